package org.fluvia.media.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.OnDemandProvider;
import org.fluvia.media.api.Publication;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.StreamBusyException;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamReader;
import org.fluvia.media.api.StreamRegistry;
import org.fluvia.media.api.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.*;

class StreamHubTest {

    private static final StreamKey KEY = StreamKey.of("live", "cam");

    private final StreamHub hub = new StreamHub();
    private final List<ByteBuf> payloads = new ArrayList<>();

    @AfterEach
    void everyPayloadReleased() {
        hub.deactivate();
        for (ByteBuf b : payloads) {
            assertEquals(0, b.refCnt(), "a payload was not released");
        }
    }

    /** A reader whose executor queues tasks until the test runs them, like an event loop. */
    final class Player implements StreamReader {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        final List<String> events = new ArrayList<>();
        final List<MediaMessage> got = new ArrayList<>();
        int maxPolls = Integer.MAX_VALUE;

        @Override
        public Executor executor() {
            return tasks::add;
        }

        @Override
        public void onMessages(Subscription s) {
            MediaMessage m;
            int n = 0;
            while (n++ < maxPolls && (m = s.poll()) != null) {
                got.add(m);
            }
        }

        @Override
        public void onPublish(Subscription s) {
            events.add("publish");
        }

        @Override
        public void onUnpublish(Subscription s) {
            events.add("unpublish");
        }

        void run() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }

        List<String> describe() {
            List<String> out = new ArrayList<>();
            for (MediaMessage m : got) {
                out.add(describe(m));
            }
            return out;
        }

        String describe(MediaMessage m) {
            String kind = m.isMetadata() ? "meta" : m.isSequenceHeader() ? m.type().name().toLowerCase() + "-hdr"
                    : m.isVideoKeyframe() ? "key" : m.type() == MediaType.VIDEO ? "inter" : "audio";
            return kind + "@" + m.timestamp();
        }

        void releaseAll() {
            got.forEach(MediaMessage::release);
            got.clear();
        }
    }

    private MediaMessage video(int ts, boolean key) {
        return MediaMessage.of(MediaType.VIDEO, ts, buf(key ? 0x17 : 0x27, 1, 0, 0, 0, 1, 2, 3));
    }

    private MediaMessage videoHeader(int ts) {
        return MediaMessage.of(MediaType.VIDEO, ts, buf(0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f));
    }

    private MediaMessage audioHeader(int ts) {
        return MediaMessage.of(MediaType.AUDIO, ts, buf(0xaf, 0, 0x12, 0x10));
    }

    private MediaMessage audio(int ts) {
        return MediaMessage.of(MediaType.AUDIO, ts, buf(0xaf, 1, 9, 9));
    }

    private MediaMessage meta() {
        return MediaMessage.of(MediaType.DATA, 0, MediaMessage.METADATA, buf(2, 0, 1, 'x'));
    }

    private ByteBuf buf(int... bytes) {
        ByteBuf b = Unpooled.buffer(bytes.length);
        for (int v : bytes) {
            b.writeByte(v);
        }
        payloads.add(b);
        return b;
    }

    private Publication publishHeaders(SourceKind kind) throws StreamBusyException {
        Publication p = hub.publish(KEY, kind, "test");
        p.publish(meta());
        p.publish(videoHeader(0));
        p.publish(audioHeader(0));
        return p;
    }

    @Test
    void lateJoinerStartsWithMetadataSequenceHeadersAndCachedGop() throws Exception {
        Publication p = publishHeaders(SourceKind.PUBLISH);
        p.publish(video(0, true));
        p.publish(audio(10));
        p.publish(video(40, false));
        p.publish(video(80, true)); // new GOP: the cache restarts here
        p.publish(audio(90));

        Player late = new Player();
        Subscription s = hub.subscribe(KEY, late);
        late.run();
        assertEquals(List.of("publish"), late.events);
        assertEquals(List.of("meta@0", "video-hdr@0", "audio-hdr@0", "key@80", "audio@90"), late.describe());

        p.publish(video(120, false));
        late.run();
        assertEquals("inter@120", late.describe().get(5));
        late.releaseAll();
        s.close();
        p.close();
    }

    @Test
    void readerJoiningMidGopWithoutCacheWaitsForKeyframe() throws Exception {
        useVhost(config(false, 10, "off"));
        Publication p = publishHeaders(SourceKind.PUBLISH);
        p.publish(video(0, true));
        Player player = new Player();
        Subscription s = hub.subscribe(KEY, player);
        p.publish(video(40, false));
        p.publish(audio(50));
        p.publish(video(80, true));
        player.run();
        assertEquals(List.of("meta@0", "video-hdr@0", "audio-hdr@0", "audio@50", "key@80"), player.describe());
        assertEquals(1, s.droppedMessages());
        player.releaseAll();
        s.close();
        p.close();
    }

    @Test
    void slowReaderDropsWholeGopsButKeepsSequenceHeaders() throws Exception {
        useVhost(config(true, 1, "off"));
        Publication p = publishHeaders(SourceKind.PUBLISH);
        Player slow = new Player();
        Subscription s = hub.subscribe(KEY, slow);
        // 3 s of media in GOPs of 1 s; the reader never polls meanwhile.
        for (int ts = 0; ts <= 3000; ts += 100) {
            p.publish(video(ts, ts % 1000 == 0));
        }
        slow.run();
        List<String> got = slow.describe();
        assertEquals(List.of("meta@0", "video-hdr@0", "audio-hdr@0"), got.subList(0, 3));
        assertTrue(got.get(3).startsWith("key@"), "after the drop the reader resumes at a keyframe: " + got);
        int firstTs = slow.got.get(3).timestamp();
        assertTrue(firstTs >= 2000, "old GOPs were dropped: " + got);
        assertTrue(s.droppedMessages() >= 20, "drops are counted: " + s.droppedMessages());
        slow.releaseAll();
        s.close();
        p.close();
    }

    @Test
    void aReaderTheLogLetGoOfResumesAtTheNewestKeyframeWithTheHeaderItSkipped() throws Exception {
        useVhost(config(true, 1, "off"));
        Publication p = publishHeaders(SourceKind.PUBLISH);
        Player slow = new Player();
        Subscription s = hub.subscribe(KEY, slow);
        slow.run(); // the caches
        for (int ts = 0; ts <= 6000; ts += 100) {
            if (ts == 1500) {
                p.publish(videoHeader(1500)); // the encoder changed its parameters while the reader was away
            }
            p.publish(video(ts, ts % 1000 == 0));
        }
        int logged = ((HubStream) hub.stream(KEY)).logged();
        assertTrue(logged <= 10 + 16, "of 62 messages the log holds the last second and what came since it last looked: " + logged);
        slow.run();
        assertEquals(List.of("meta@0", "video-hdr@0", "audio-hdr@0", "meta@0", "video-hdr@1500", "audio-hdr@0", "key@6000"),
                slow.describe(), "the headers again, the new video header among them, then the newest keyframe");
        assertTrue(s.droppedMessages() >= 50, "drops are counted: " + s.droppedMessages());
        slow.releaseAll();
        s.close();
        p.close();
    }

    @Test
    void aSequenceHeaderStampedZeroMinutesIntoTheStreamIsNotLetGoOfAsOld() throws Exception {
        useVhost(config(true, 10, "off"));
        Publication p = publishHeaders(SourceKind.PUBLISH);
        Player player = new Player();
        Subscription s = hub.subscribe(KEY, player);
        for (int ts = 0; ts < 60_000; ts += 40) { // a minute, read as it comes
            p.publish(video(ts, ts % 2000 == 0));
            player.run();
        }
        player.releaseAll();
        p.publish(videoHeader(0)); // new encoder parameters, stamped 0 as some encoders do
        for (int ts = 60_000; ts < 61_000; ts += 40) { // the log looks at the cursors meanwhile
            p.publish(video(ts, ts == 60_000));
        }
        player.run();
        assertEquals("video-hdr@0", player.describe().get(0), "the header reached the reader");
        assertEquals(1 + 25, player.got.size(), "and every frame after it");
        assertEquals(0, s.droppedMessages());
        player.releaseAll();
        s.close();
        p.close();
    }

    @Test
    void theLogLetsGoOfWhatEveryReaderHasRead() throws Exception {
        Publication p = publishHeaders(SourceKind.PUBLISH);
        Player fast = new Player();
        Player slow = new Player();
        Subscription a = hub.subscribe(KEY, fast);
        Subscription b = hub.subscribe(KEY, slow);
        HubStream stream = (HubStream) hub.stream(KEY);
        for (int ts = 0; ts < 4000; ts += 40) {
            p.publish(video(ts, ts % 1000 == 0));
            fast.run();
        }
        assertEquals(100, stream.logged(), "the slow reader has read none of the 100 frames (4 s, within its queue)");
        slow.run();
        for (int ts = 4000; ts < 4800; ts += 40) {
            p.publish(video(ts, false));
            fast.run();
            slow.run();
        }
        assertTrue(stream.logged() < 16, "both read everything: the log holds what came since it last looked: " + stream.logged());
        assertEquals(120, fast.got.size() - 3);
        assertEquals(120, slow.got.size() - 3);
        assertEquals(0, a.droppedMessages() + b.droppedMessages());
        fast.releaseAll();
        slow.releaseAll();
        a.close();
        b.close();
        p.close();
    }

    @Test
    void readersOnOtherThreadsRaceTheLogLettingGoWithoutLosingOrderOrAReference() throws Exception {
        useVhost(config(true, 0.2, "off", 5)); // 200 ms: slow readers keep falling behind the tail
        List<java.util.concurrent.ExecutorService> threads = List.of(
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(), // batched readers
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(),
                java.util.concurrent.Executors.newSingleThreadExecutor()); // signalled readers
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger read = new java.util.concurrent.atomic.AtomicInteger();
        List<Subscription> subs = new ArrayList<>();
        try {
            Publication p = publishHeaders(SourceKind.PUBLISH);
            for (int i = 0; i < 6; i++) {
                Executor on = threads.get(i % 3);
                boolean slow = i % 2 == 1;
                subs.add(hub.subscribe(KEY, new StreamReader() {
                    int last = -1;
                    int n;
                    public Executor executor() { return on; }
                    public void onMessages(Subscription sub) {
                        MediaMessage m;
                        while ((m = sub.poll()) != null) {
                            try {
                                if (!m.isSequenceHeader() && !m.isMetadata()) {
                                    if (m.timestamp() <= last) {
                                        errors.add("timestamp " + m.timestamp() + " after " + last);
                                    }
                                    last = m.timestamp();
                                    m.payload().getByte(0); // the payload is still ours to read
                                    read.incrementAndGet();
                                }
                            } catch (RuntimeException e) { // the hub would close the reader and carry on
                                errors.add(e.toString());
                            } finally {
                                m.release();
                            }
                            if (slow && ++n % 100 == 0) {
                                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                            }
                        }
                    }
                }));
            }
            for (int k = 0; k < 20_000; k++) { // 200 s of stream time as fast as it goes
                p.publish(k % 2 == 0 ? video(k * 10, k % 50 == 0) : audio(k * 10));
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (read.get() < 6 * 100 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            p.close();
            for (java.util.concurrent.ExecutorService t : threads) { // let every pending drain finish
                t.submit(() -> { }).get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertEquals(List.of(), errors, "each reader's messages stay in order and readable");
            long dropped = subs.stream().mapToLong(Subscription::droppedMessages).sum();
            assertTrue(dropped > 0, "slow readers fell behind and skipped: " + dropped);
        } finally {
            subs.forEach(Subscription::close);
            threads.forEach(java.util.concurrent.ExecutorService::shutdown);
            for (java.util.concurrent.ExecutorService t : threads) {
                t.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void lateJoinerAfterMinutesIsNotTakenForASlowReader() throws Exception {
        useVhost(config(true, 10, "off"));
        Publication p = hub.publish(KEY, SourceKind.PUBLISH, "long running");
        p.publish(meta());
        p.publish(videoHeader(0));
        p.publish(audioHeader(0));
        for (int ts = 0; ts < 180_000; ts += 40) { // three minutes, a keyframe a second
            p.publish(video(ts, ts % 1000 == 0));
        }
        Player late = new Player();
        Subscription s = hub.subscribe(KEY, late); // queued: headers stamped 0, then the GOP from 179 s
        for (int ts = 180_000; ts < 181_000; ts += 40) {
            p.publish(video(ts, ts % 1000 == 0)); // live frames, with a keyframe, before the first drain
        }
        late.run();
        assertEquals(0, s.droppedMessages(), "headers stamped 0 ahead of a GOP stamped 179 s are not a backlog");
        assertEquals(List.of("meta@0", "video-hdr@0", "audio-hdr@0", "key@179000", "inter@179040"), late.describe().subList(0, 5));
        late.releaseAll();
        s.close();
        p.close();
    }

    @Test
    void secondPublisherIsRefusedAndFirstContinues() throws Exception {
        Publication p = hub.publish(KEY, SourceKind.PUBLISH, "first");
        StreamBusyException e = assertThrows(StreamBusyException.class, () -> hub.publish(KEY, SourceKind.PUBLISH, "second"));
        assertTrue(e.getMessage().contains("first"));
        assertEquals("first", hub.stream(KEY).sourceDescription());
        p.close();
        hub.publish(KEY, SourceKind.PUBLISH, "third").close();
    }

    @Test
    void readersAreToldOfUnpublishAndContinueOnRepublish() throws Exception {
        Publication p = publishHeaders(SourceKind.PUBLISH);
        Player player = new Player();
        Subscription s = hub.subscribe(KEY, player);
        p.publish(video(0, true));
        p.close();
        player.run();
        assertEquals(List.of("publish", "unpublish"), player.events);
        assertNotNull(hub.stream(KEY), "a stream with a waiting reader stays");
        assertFalse(hub.stream(KEY).isPublished());

        Publication again = publishHeaders(SourceKind.PUBLISH);
        again.publish(video(0, true));
        player.run();
        assertEquals(List.of("publish", "unpublish", "publish"), player.events);
        assertEquals("key@0", player.describe().get(player.got.size() - 1));
        player.releaseAll();
        s.close();
        again.close();
        assertNull(hub.stream(KEY), "a stream with neither source nor reader is removed");
    }

    @Test
    void fullJitterMakesTimelineMonotonicFromZero() throws Exception {
        Publication p = hub.publish(KEY, SourceKind.PUBLISH, "jumpy");
        Player player = new Player();
        Subscription s = hub.subscribe(KEY, player);
        p.publish(video(5000, true));
        p.publish(video(5040, false));
        p.publish(video(900000, false)); // a jump: becomes +10 ms
        p.publish(video(900040, false));
        p.publish(video(899990, false)); // small step back is kept (-50)
        player.run();
        List<Integer> ts = player.got.stream().map(MediaMessage::timestamp).toList();
        assertEquals(List.of(0, 40, 50, 90, 40), ts);
        player.releaseAll();
        s.close();
        p.close();
    }

    @Test
    void pulledStreamKeepsItsOriginTimeline() throws Exception {
        Publication p = hub.publish(KEY, SourceKind.PULL, "edge pull");
        Player player = new Player();
        Subscription s = hub.subscribe(KEY, player);
        p.publish(video(15000, true));
        p.publish(video(900000, false));
        player.run();
        assertEquals(List.of(15000, 900000), player.got.stream().map(MediaMessage::timestamp).toList());
        player.releaseAll();
        s.close();
        p.close();
    }

    @Test
    void aPlayersMessagesAreBatchedIntoOneDrainPerWindow() throws Exception {
        java.util.concurrent.ScheduledExecutorService loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            java.util.concurrent.atomic.AtomicInteger drains = new java.util.concurrent.atomic.AtomicInteger();
            List<MediaMessage> got = java.util.Collections.synchronizedList(new ArrayList<>());
            StreamReader batched = new StreamReader() {
                public Executor executor() { return loop; }
                public void onMessages(Subscription s) {
                    drains.incrementAndGet();
                    MediaMessage m;
                    while ((m = s.poll()) != null) {
                        got.add(m);
                    }
                }
            };
            Publication p = hub.publish(KEY, SourceKind.PUBLISH, "fast");
            Subscription s = hub.subscribe(KEY, batched);
            p.publish(video(0, true)); // the first message goes out at once
            Thread.sleep(5);
            for (int i = 1; i <= 20; i++) {
                p.publish(audio(i)); // 20 more within one 30 ms window
            }
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (got.size() < 21 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(21, got.size());
            assertTrue(drains.get() <= 3, "20 messages in one window make one or two drains, not 20: " + drains.get());
            got.forEach(MediaMessage::release);
            s.close();
            p.close();
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void aTickWithManyReadersLetsOtherWorkOfTheLoopRunBetweenSlices() throws Exception {
        java.util.concurrent.ScheduledExecutorService loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        int readers = DrainBatch.SLICE * 3;
        List<Subscription> subs = new ArrayList<>();
        useVhost(config(true, 10, "off", 1000)); // a second is more than the test needs: no reader misses the tick
        try {
            List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
            Publication p = hub.publish(KEY, SourceKind.PUBLISH, "fast");
            for (int i = 0; i < readers; i++) {
                int id = i;
                subs.add(hub.subscribe(KEY, new StreamReader() {
                    public Executor executor() { return loop; }
                    public void onMessages(Subscription s) {
                        MediaMessage m;
                        while ((m = s.poll()) != null) {
                            if (m.timestamp() == 40) {
                                order.add("reader " + id);
                                if (id == 0) { // stands for I/O arriving during the tick, e.g. the publisher's next frame
                                    loop.execute(() -> order.add("other work"));
                                }
                            }
                            received.incrementAndGet();
                            m.release();
                        }
                    }
                }));
            }
            p.publish(video(0, true)); // goes out at once to every reader
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (received.get() < readers && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            p.publish(video(40, false)); // within the window: one tick, a second later, drains every reader
            while (received.get() < 2 * readers && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertEquals(2 * readers, received.get(), "every reader got both frames");
            int other = order.indexOf("other work");
            assertTrue(other > 0 && other <= DrainBatch.SLICE,
                    "the loop's other work ran after the first slice, not after all " + readers + " readers: at " + other);
            subs.forEach(Subscription::close);
            p.close();
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void aVideoFrameAWindowAfterTheLastTickGoesOutAtOnceAndOneWithinItWaits() throws Exception {
        java.util.concurrent.ScheduledExecutorService loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        useVhost(config(true, 10, "off", 1000)); // a second: far longer than any scheduling delay here
        try {
            java.util.concurrent.atomic.AtomicInteger drains = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.ConcurrentHashMap<Integer, Long> arrived = new java.util.concurrent.ConcurrentHashMap<>();
            List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
            Publication p = hub.publish(KEY, SourceKind.PUBLISH, "fast");
            Subscription s = hub.subscribe(KEY, onLoop(loop, drains::incrementAndGet, m -> {
                arrived.put(m.timestamp(), System.nanoTime());
                order.add(m.timestamp());
            }));
            p.publish(video(0, true)); // the reader was idle: out at once, on its own
            awaitArrival(arrived, 0);
            p.publish(audio(20)); // waits: the reader drained less than a window ago
            long sent = System.nanoTime();
            p.publish(video(40, false)); // the stream's readers last ticked more than a window ago: a tick now
            awaitArrival(arrived, 40);
            long waitedMs = (arrived.get(40) - sent) / 1_000_000;
            assertTrue(waitedMs < 500, "the frame went out at once, not at the end of the 1000 ms window: " + waitedMs + " ms");
            assertEquals(List.of(0, 20, 40), order, "the waiting audio went out with it, in order");
            assertEquals(2, drains.get(), "one drain for the audio and the video together");

            p.publish(video(80, false)); // a window has not passed since that tick: it waits
            Thread.sleep(300);
            assertFalse(arrived.containsKey(80), "a frame within the window waits for the next tick");
            awaitArrival(arrived, 80); // the timer covers a gap in the video, two windows after the last frame
            s.close();
            p.close();
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void aStreamsReadersOnOneLoopTakeTurnsFrameByFrame() throws Exception {
        java.util.concurrent.ScheduledExecutorService loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        useVhost(config(true, 10, "off", 1000));
        try {
            Publication p = hub.publish(KEY, SourceKind.PUBLISH, "fast");
            List<Subscription> subs = new ArrayList<>();
            List<java.util.Map<Integer, Long>> arrived = readerPerBatch(loop, subs);
            java.util.Map<Integer, Long> first = arrived.get(0);
            java.util.Map<Integer, Long> second = arrived.get(1);
            p.publish(video(0, true)); // both idle: out at once
            awaitArrival(first, 0);
            awaitArrival(second, 0);
            p.publish(video(40, false)); // both batches are due; the frame ticks one of them only
            awaitArrival(first, 40);
            Thread.sleep(300);
            assertFalse(second.containsKey(40), "the second reader's batch waits for the next frame");
            p.publish(video(80, false)); // now the other batch's turn
            awaitArrival(second, 80);
            assertTrue(second.containsKey(40), "it got the frame it waited for");
            Thread.sleep(300);
            assertFalse(first.containsKey(80), "the first reader's batch ticked less than a window ago");
            awaitArrival(first, 80); // its timer, two windows after the last frame
            subs.forEach(Subscription::close);
            p.close();
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void framesThatComeAWindowApartGoToEveryReaderAsTheyCome() throws Exception {
        java.util.concurrent.ScheduledExecutorService loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        useVhost(config(true, 10, "off", 300)); // frames 400 ms apart: slower than the window, no gap (800 ms)
        try {
            Publication p = hub.publish(KEY, SourceKind.PUBLISH, "fast");
            List<Subscription> subs = new ArrayList<>();
            List<java.util.Map<Integer, Long>> arrived = readerPerBatch(loop, subs);
            p.publish(video(0, true));
            for (java.util.Map<Integer, Long> got : arrived) {
                awaitArrival(got, 0);
            }
            for (int ts = 40; ts <= 200; ts += 40) {
                Thread.sleep(400);
                long sent = System.nanoTime();
                p.publish(video(ts, false));
                for (java.util.Map<Integer, Long> got : arrived) {
                    awaitArrival(got, ts);
                    long waitedMs = (got.get(ts) - sent) / 1_000_000;
                    // Taking turns, the other batch would get it with the next frame (400 ms) or its timer (600 ms).
                    assertTrue(waitedMs < 300, "frame " + ts + " went to every reader at once, not in turns: " + waitedMs + " ms");
                }
            }
            subs.forEach(Subscription::close);
            p.close();
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void theReadersOfASliceAtOnePointShareOneRunOfTheMessagesSinceTheLastTick() throws Exception {
        java.util.concurrent.ScheduledExecutorService loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        int readers = 2 * (DrainBatch.SLICE + 1); // two batches of two slices: 64 members and 1
        useVhost(config(false, 10, "off", 500)); // no GOP cache: every reader starts at the log's head
        Object runKey = "test-encoding";
        java.util.function.Function<MediaMessage, ByteBuf> encoding = m -> m.encoded(runKey, StreamHubTest::tagged);
        List<ByteBuf> runs = java.util.Collections.synchronizedList(new ArrayList<>());
        List<ByteBuf> made = java.util.Collections.synchronizedList(new ArrayList<>());
        io.netty.buffer.ByteBufAllocator alloc = new io.netty.buffer.AbstractByteBufAllocator(true) {
            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) { // the runs' buffers
                ByteBuf b = Unpooled.directBuffer(initialCapacity, maxCapacity);
                made.add(b);
                return b;
            }

            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                return Unpooled.buffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        List<java.io.ByteArrayOutputStream> written = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        try {
            Publication p = hub.publish(KEY, SourceKind.PUBLISH, "fast");
            for (int i = 0; i < readers; i++) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                written.add(out);
                subs.add(hub.subscribe(KEY, new StreamReader() {
                    public Executor executor() { return loop; }
                    public void onMessages(Subscription s) { // what a player writes: the run, then each message after it
                        ByteBuf run = s.pollRun(runKey, encoding, alloc);
                        if (run != null) {
                            runs.add(run);
                            write(out, run);
                        }
                        MediaMessage m;
                        while ((m = s.poll()) != null) {
                            write(out, encoding.apply(m));
                            m.release();
                        }
                    }
                }));
            }
            p.publish(video(0, true)); // the first frame: a tick of one message, read with poll
            Thread.sleep(600); // a window later: the next frame ticks every batch (their timers come two windows after the frame)
            p.publish(audio(20));
            p.publish(audio(30));
            p.publish(video(40, false));
            java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (runs.size() < 2 * DrainGroup.BATCHES && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            loop.execute(() -> done.complete(null)); // after the tick's last slice
            done.get(10, java.util.concurrent.TimeUnit.SECONDS);

            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            for (MediaMessage m : List.of(video(0, true), audio(20), audio(30), video(40, false))) {
                write(expected, tagged(m));
                m.release();
            }
            for (int i = 0; i < readers; i++) {
                assertArrayEquals(expected.toByteArray(), written.get(i).toByteArray(), "reader " + i + " wrote every message once, in order");
            }
            assertEquals(readers, runs.size(), "every reader got the three messages of the tick as one run");
            assertEquals(2 * DrainGroup.BATCHES, made.size(), "one run made per slice, shared by its readers");
            runs.forEach(ByteBuf::release);
            for (ByteBuf run : made) {
                assertEquals(0, run.refCnt(), "the batch let go of its run when the slice ended");
            }
            subs.forEach(Subscription::close);
            p.close();
        } finally {
            loop.shutdownNow();
        }
    }

    /** A test encoding of a message: its type id, then its payload. */
    private static ByteBuf tagged(MediaMessage m) {
        ByteBuf b = Unpooled.buffer(1 + m.size());
        b.writeByte(m.type().typeId());
        b.writeBytes(m.payload(), m.payload().readerIndex(), m.size());
        return b;
    }

    private static void write(java.io.ByteArrayOutputStream out, ByteBuf b) {
        byte[] bytes = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), bytes);
        out.writeBytes(bytes);
    }

    /** One reader per batch (they are dealt round-robin), each noting when each message came; returns what each noted. */
    private List<java.util.Map<Integer, Long>> readerPerBatch(Executor loop, List<Subscription> subs) {
        List<java.util.Map<Integer, Long>> arrived = new ArrayList<>();
        for (int i = 0; i < DrainGroup.BATCHES; i++) {
            java.util.Map<Integer, Long> got = new java.util.concurrent.ConcurrentHashMap<>();
            arrived.add(got);
            subs.add(hub.subscribe(KEY, onLoop(loop, () -> { }, m -> got.put(m.timestamp(), System.nanoTime()))));
        }
        return arrived;
    }

    /** A reader on {@code loop} that counts its drains and sees each message before releasing it. */
    private static StreamReader onLoop(Executor loop, Runnable onDrain, java.util.function.Consumer<MediaMessage> each) {
        return new StreamReader() {
            public Executor executor() { return loop; }
            public void onMessages(Subscription sub) {
                onDrain.run();
                MediaMessage m;
                while ((m = sub.poll()) != null) {
                    each.accept(m);
                    m.release();
                }
            }
        };
    }

    private static void awaitArrival(java.util.Map<Integer, Long> arrived, int ts) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!arrived.containsKey(ts) && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertTrue(arrived.containsKey(ts), "message " + ts + " arrived");
    }

    @Test
    void zeroAndOffJitterModes() {
        TimeJitter.Corrector zero = TimeJitter.ZERO.newCorrector();
        assertEquals(0, zero.correct(1000));
        assertEquals(900000, zero.correct(901000));
        TimeJitter.Corrector off = TimeJitter.OFF.newCorrector();
        assertEquals(1000, off.correct(1000));
        assertThrows(IllegalArgumentException.class, () -> TimeJitter.parse("sometimes"));
    }

    @Test
    void onDemandProviderIsAskedForAMissingStreamOnly() throws Exception {
        List<StreamKey> asked = new ArrayList<>();
        OnDemandProvider edge = (key, registry) -> asked.add(key);
        hub.addProvider(edge);
        Player a = new Player();
        Subscription sa = hub.subscribe(KEY, a);
        assertEquals(List.of(KEY), asked);
        Publication p = hub.publish(KEY, SourceKind.PULL, "pull");
        Player b = new Player();
        Subscription sb = hub.subscribe(KEY, b);
        assertEquals(1, asked.size(), "a published stream needs no provider");
        assertEquals(2, hub.stream(KEY).readerCount());
        sa.close();
        sb.close();
        p.close();
    }

    @Test
    void closedReaderReleasesItsQueue() throws Exception {
        Publication p = publishHeaders(SourceKind.PUBLISH);
        Player player = new Player();
        Subscription s = hub.subscribe(KEY, player);
        p.publish(video(0, true));
        s.close(); // never polled: the queue is released here
        p.publish(video(40, false));
        p.close();
        player.run();
        assertTrue(player.got.isEmpty());
    }

    /** The default vhost's play settings for this test. */
    private void useVhost(VhostPlayConfig.Config config) {
        VhostPlayConfig play = new VhostPlayConfig();
        play.activate(config);
        hub.addVhost(play);
    }

    private static VhostPlayConfig.Config config(boolean gopCache, double queueLength, String jitter) {
        return config(gopCache, queueLength, jitter, 30);
    }

    private static VhostPlayConfig.Config config(boolean gopCache, double queueLength, String jitter, int mwLatencyMs) {
        return new VhostPlayConfig.Config() {
            public Class<? extends java.lang.annotation.Annotation> annotationType() { return VhostPlayConfig.Config.class; }
            public String vhost() { return StreamKey.DEFAULT_VHOST; }
            public boolean gop__cache() { return gopCache; }
            public double queue__length() { return queueLength; }
            public String time__jitter() { return jitter; }
            public int gop__cache__max__frames() { return 2500; }
            public int mw__latency() { return mwLatencyMs; }
        };
    }
}
