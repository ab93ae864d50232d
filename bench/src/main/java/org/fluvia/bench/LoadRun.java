package org.fluvia.bench;

/** What every client of one run shares: the send-time table, the latency histogram, and whether the run is ending. */
final class LoadRun {

    private final SendTimes sendTimes;
    private final Histogram latency = new Histogram();
    private volatile boolean ending;

    /** @param sendTimes null when the stream is published from outside (no latency then) */
    LoadRun(SendTimes sendTimes) {
        this.sendTimes = sendTimes;
    }

    SendTimes sendTimes() {
        return sendTimes;
    }

    Histogram latency() {
        return latency;
    }

    /** Once true, closes and unpublish notices are the tool's own doing, not failures. */
    boolean ending() {
        return ending;
    }

    void end() {
        ending = true;
    }
}
