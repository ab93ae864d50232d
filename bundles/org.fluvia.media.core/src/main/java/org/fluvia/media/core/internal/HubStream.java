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
 * A stream in the hub: its source, its metadata / sequence header / GOP cache, and its readers.
 * The source's thread fans each message out to every reader's queue under the stream's lock, which
 * a joining reader also takes, so that its first messages (caches) and the live ones meet exactly.
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
            HubSubscription[] rs = readers;
            if (rs.length > 0) {
                // One atomic add for all readers rather than one each: the count's cache line is also
                // written by every reader's loop as it releases, so each retain was a contended miss.
                message.retain(rs.length);
            }
            for (HubSubscription r : rs) {
                r.offer(message); // takes one of the references just added
            }
            if (message.type() == MediaType.VIDEO && !message.isSequenceHeader()) {
                for (DrainGroup g : drainGroupList) {
                    g.videoQueued();
                }
            }
        } finally {
            lock.unlock();
            message.release();
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
            }
        } finally {
            lock.unlock();
        }
        for (HubSubscription s : toNotify) {
            s.notifyReader(sub -> sub.reader.onUnpublish(sub));
        }
        hub.unpublished(this, remove);
    }

    /** Adds a reader and queues the caches for it; null when this stream was removed meanwhile. */
    HubSubscription addReader(StreamReader reader) {
        HubSubscription sub;
        boolean published;
        lock.lock();
        try {
            if (removed) {
                return null;
            }
            sub = new HubSubscription(this, reader, settings.queueLengthMs(), settings.mwLatencyMs());
            published = source != null;
            if (published) {
                sub.notifyReader(s -> s.reader.onPublish(s));
                List<MediaMessage> start = new ArrayList<>(gop.size() + 3);
                if (metadata != null) {
                    start.add(metadata);
                }
                if (videoHeader != null) {
                    start.add(videoHeader);
                }
                if (audioHeader != null) {
                    start.add(audioHeader);
                }
                start.addAll(gop);
                for (MediaMessage m : start) {
                    sub.offer(m.retain());
                }
            }
            HubSubscription[] grown = java.util.Arrays.copyOf(readers, readers.length + 1);
            grown[readers.length] = sub;
            readers = grown;
        } finally {
            lock.unlock();
        }
        hub.readersChanged(this);
        return sub;
    }

    void removeSubscription(HubSubscription sub) {
        boolean remove;
        lock.lock();
        try {
            int i = indexOf(sub);
            if (i < 0) {
                return;
            }
            HubSubscription[] shrunk = new HubSubscription[readers.length - 1];
            System.arraycopy(readers, 0, shrunk, 0, i);
            System.arraycopy(readers, i + 1, shrunk, i, readers.length - i - 1);
            readers = shrunk;
            remove = shrunk.length == 0 && source == null && !removed;
            if (remove) {
                removed = true;
            }
        } finally {
            lock.unlock();
        }
        hub.readersChanged(this);
        if (remove) {
            hub.remove(this);
        }
    }

    private int indexOf(HubSubscription sub) {
        for (int i = 0; i < readers.length; i++) {
            if (readers[i] == sub) {
                return i;
            }
        }
        return -1;
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
            src = source;
            source = null;
            sourceKind = null;
            clearCaches();
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
