package org.fluvia.media.core.internal;

import org.fluvia.media.api.MediaMessage;
import org.fluvia.media.api.MediaType;
import org.fluvia.media.api.SourceKind;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamReader;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stream in the hub: its source, its metadata / sequence header / GOP cache, its readers, and the
 * log they read. The source's thread appends each message to the log under the stream's lock, which
 * a joining reader also takes, so that its first messages (caches) and its cursor into the log meet
 * exactly.
 */
final class HubStream implements Stream {

    private final StreamHub hub;
    private final StreamKey key;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock.
    private HubPublication source;
    private VhostSettings settings;
    private MediaMessage metadata;
    private MediaMessage videoHeader;
    private MediaMessage audioHeader;
    private final ArrayList<MediaMessage> gop = new ArrayList<>();
    private boolean sawVideo;
    private HubSubscription[] readers = new HubSubscription[0];
    /** The readers that are not members of a drain batch: the source's thread signals them itself. */
    private HubSubscription[] signalledReaders = new HubSubscription[0];
    /** The messages the readers read, each with its own cursor. Appended under lock. */
    private final MediaLog log = new MediaLog();
    private boolean removed;

    private volatile SourceKind sourceKind;
    private volatile String sourceDescription;
    private volatile long publishedSince;
    private volatile long messagesIn;
    private volatile long bytesIn;

    HubStream(StreamHub hub, StreamKey key, VhostSettings settings) {
        this.hub = hub;
        this.key = key;
        this.settings = settings;
    }

    private record BatchKey(ScheduledExecutorService loop, long windowNanos) {
    }

    /** This stream's drain groups, one per event loop and window: their ticks follow this stream's video. */
    private final java.util.HashMap<BatchKey, DrainGroup> drainGroups = new java.util.HashMap<>(); // guarded by itself
    /** The same, for the source's thread to tell of each video frame without iterating the map. */
    private volatile DrainGroup[] drainGroupList = new DrainGroup[0];

    /** The drain batch for a new reader on {@code loop}. */
    DrainBatch drainBatch(ScheduledExecutorService loop, long windowNanos) {
        DrainGroup g;
        synchronized (drainGroups) {
            g = drainGroups.computeIfAbsent(new BatchKey(loop, windowNanos), k -> {
                DrainGroup made = new DrainGroup(k.loop(), k.windowNanos());
                DrainGroup[] grown = java.util.Arrays.copyOf(drainGroupList, drainGroupList.length + 1);
                grown[drainGroupList.length] = made;
                drainGroupList = grown;
                return made;
            });
        }
        return g.next();
    }

    @Override
    public StreamKey key() {
        return key;
    }

    @Override
    public boolean isPublished() {
        return sourceKind != null;
    }

    @Override
    public SourceKind sourceKind() {
        return sourceKind;
    }

    @Override
    public String sourceDescription() {
        return sourceDescription;
    }

    @Override
    public int readerCount() {
        return readers.length;
    }

    @Override
    public MediaMessage metadata() {
        return retainedUnderLock(0);
    }

    @Override
    public MediaMessage videoSequenceHeader() {
        return retainedUnderLock(1);
    }

    @Override
    public MediaMessage audioSequenceHeader() {
        return retainedUnderLock(2);
    }

    private MediaMessage retainedUnderLock(int which) {
        lock.lock();
        try {
            MediaMessage m = which == 0 ? metadata : which == 1 ? videoHeader : audioHeader;
            return m == null ? null : m.retain();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long messagesIn() {
        return messagesIn;
    }

    @Override
    public long bytesIn() {
        return bytesIn;
    }

    @Override
    public long publishedSince() {
        return publishedSince;
    }

    /** Installs a source; null when this stream was removed meanwhile (the caller retries). */
    HubPublication attachSource(SourceKind kind, String description, VhostSettings current) throws org.fluvia.media.api.StreamBusyException {
        HubPublication publication;
        HubSubscription[] toNotify;
        lock.lock();
        try {
            if (removed) {
                return null;
            }
            if (source != null) {
                throw new org.fluvia.media.api.StreamBusyException(key, sourceDescription);
            }
            settings = current;
            // A pulled stream keeps its origin's timeline: it was corrected once, where it was published,
            // and every node must show the same timestamps for the same frame (identical HLS segments).
            TimeJitter jitter = kind == SourceKind.PULL ? TimeJitter.OFF : current.timeJitter();
            publication = new HubPublication(this, jitter.newCorrector());
            source = publication;
            sourceKind = kind;
            sourceDescription = description;
            publishedSince = System.currentTimeMillis();
            toNotify = readers;
        } finally {
            lock.unlock();
        }
        for (HubSubscription s : toNotify) {
            s.notifyReader(sub -> sub.reader.onPublish(sub));
        }
        return publication;
    }

    /** Fans one message out; takes ownership of {@code message}. */
    void ingest(HubPublication from, MediaMessage message) {
        lock.lock();
        try {
            if (source != from) {
                message.release();
                return;
            }
            messagesIn++;
            bytesIn += message.size();
            cache(message);
            log.append(message, readers, settings.queueLengthMs()); // takes our reference
            boolean frame = message.type() == MediaType.VIDEO && !message.isSequenceHeader();
            for (DrainGroup g : drainGroupList) {
                if (frame) {
                    g.videoQueued(); // first: a batch's timer looks at when the video came
                }
                g.messageQueued();
            }
            for (HubSubscription r : signalledReaders) {
                r.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Keeps metadata, sequence headers and the current GOP for late joiners. Lock held. */
    private void cache(MediaMessage m) {
        if (m.isMetadata()) {
            metadata = replace(metadata, m);
            return;
        }
        if (m.isSequenceHeader()) {
            if (m.type() == MediaType.VIDEO) {
                videoHeader = replace(videoHeader, m);
            } else if (m.type() == MediaType.AUDIO) {
                audioHeader = replace(audioHeader, m);
            }
            return;
        }
        if (!settings.gopCache()) {
            return;
        }
        if (m.type() == MediaType.VIDEO) {
            sawVideo = true;
            if (m.isVideoKeyframe()) {
                clearGop();
            }
        }
        if (!sawVideo) {
            return; // audio-only: every frame is a start point, no GOP to keep
        }
        if (gop.isEmpty() && !m.isVideoKeyframe()) {
            return; // wait for the first keyframe: a cache must start decodable
        }
        if (gop.size() >= settings.gopCacheMaxFrames()) {
            clearGop(); // a publisher that sends no keyframes must not grow the cache forever
            return;
        }
        gop.add(m.retain());
    }

    private static MediaMessage replace(MediaMessage old, MediaMessage m) {
        if (old != null) {
            old.release();
        }
        return m.retain();
    }

    private void clearGop() {
        for (MediaMessage m : gop) {
            m.release();
        }
        gop.clear();
    }

    private void clearCaches() {
        clearGop();
        if (metadata != null) {
            metadata.release();
            metadata = null;
        }
        if (videoHeader != null) {
            videoHeader.release();
            videoHeader = null;
        }
        if (audioHeader != null) {
            audioHeader.release();
            audioHeader = null;
        }
        sawVideo = false;
    }

    void detachSource(HubPublication from) {
        HubSubscription[] toNotify;
        boolean remove;
        lock.lock();
        try {
            if (source != from) {
                return;
            }
            source = null;
            sourceKind = null;
            sourceDescription = null;
            publishedSince = 0;
            clearCaches();
            toNotify = readers;
            remove = readers.length == 0;
            if (remove) {
                removed = true;
                log.clear();
            }
        } finally {
            lock.unlock();
        }
        for (HubSubscription s : toNotify) {
            s.notifyReader(sub -> sub.reader.onUnpublish(sub));
        }
        hub.unpublished(this, remove);
    }

    /** Adds a reader, which starts with the caches and then reads the log; null when this stream was removed meanwhile. */
    HubSubscription addReader(StreamReader reader) {
        HubSubscription sub;
        lock.lock();
        try {
            if (removed) {
                return null;
            }
            boolean published = source != null;
            List<MediaMessage> start = new ArrayList<>(gop.size() + 3);
            if (published) {
                start.addAll(headersLocked());
                for (MediaMessage m : gop) {
                    start.add(m.retain());
                }
            }
            sub = new HubSubscription(this, log, reader, settings.queueLengthMs(), settings.mwLatencyMs(), start);
            if (published) {
                sub.notifyReader(s -> s.reader.onPublish(s));
            }
            readers = append(readers, sub);
            if (!sub.isBatched()) {
                signalledReaders = append(signalledReaders, sub);
            }
            sub.start();
        } finally {
            lock.unlock();
        }
        hub.readersChanged(this);
        return sub;
    }

    private static HubSubscription[] append(HubSubscription[] to, HubSubscription sub) {
        HubSubscription[] grown = java.util.Arrays.copyOf(to, to.length + 1);
        grown[to.length] = sub;
        return grown;
    }

    private static HubSubscription[] without(HubSubscription[] from, HubSubscription sub) {
        int i = java.util.Arrays.asList(from).indexOf(sub);
        if (i < 0) {
            return from;
        }
        HubSubscription[] shrunk = new HubSubscription[from.length - 1];
        System.arraycopy(from, 0, shrunk, 0, i);
        System.arraycopy(from, i + 1, shrunk, i, from.length - i - 1);
        return shrunk;
    }

    /** The metadata and sequence headers, each retained for the caller: for a reader that skipped one. */
    List<MediaMessage> headers() {
        lock.lock();
        try {
            return headersLocked();
        } finally {
            lock.unlock();
        }
    }

    private List<MediaMessage> headersLocked() {
        List<MediaMessage> hs = new ArrayList<>(3);
        for (MediaMessage m : new MediaMessage[] {metadata, videoHeader, audioHeader}) {
            if (m != null) {
                hs.add(m.retain());
            }
        }
        return hs;
    }

    void removeSubscription(HubSubscription sub) {
        boolean remove;
        lock.lock();
        try {
            HubSubscription[] shrunk = without(readers, sub);
            if (shrunk == readers) {
                return;
            }
            readers = shrunk;
            signalledReaders = without(signalledReaders, sub);
            remove = shrunk.length == 0 && source == null && !removed;
            if (remove) {
                removed = true;
                log.clear();
            }
        } finally {
            lock.unlock();
        }
        hub.readersChanged(this);
        if (remove) {
            hub.remove(this);
        }
    }

    /** The hub stops: every reader is closed and told, the caches released. */
    void shutdown() {
        HubSubscription[] rs;
        HubPublication src;
        lock.lock();
        try {
            removed = true;
            rs = readers;
            readers = new HubSubscription[0];
            signalledReaders = readers;
            src = source;
            source = null;
            sourceKind = null;
            clearCaches();
            log.clear();
        } finally {
            lock.unlock();
        }
        if (src != null) {
            src.markClosed();
        }
        for (HubSubscription s : rs) {
            if (s.releaseAll()) {
                s.notifyReader(sub -> sub.reader.onClose(sub));
            }
        }
    }

    /** How many messages the log holds. */
    int logged() {
        lock.lock();
        try {
            return (int) (log.head() - log.tail());
        } finally {
            lock.unlock();
        }
    }

    int gopSize() {
        lock.lock();
        try {
            return gop.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "stream[" + key + (isPublished() ? " published by " + sourceDescription : " unpublished") + ", readers=" + readers.length + "]";
    }
}
