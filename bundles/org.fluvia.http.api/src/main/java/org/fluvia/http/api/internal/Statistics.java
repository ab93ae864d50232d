package org.fluvia.http.api.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fluvia.media.api.Client;
import org.fluvia.media.api.ClientRegistry;
import org.fluvia.media.api.Stream;
import org.fluvia.media.api.StreamKey;
import org.fluvia.media.api.StreamRegistry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SRS's statistics ({@code srs_app_statistic.cpp}) computed from the hub and the client registry on
 * each request: nothing is counted on the media path. Streams and vhosts get SRS-style string ids
 * ({@code vid-N}) that stay the same while the stream exists.
 */
final class Statistics {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final StreamRegistry registry;
    private final ClientRegistry clientRegistry;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<StreamKey, Long> streamIds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> vhostIds = new ConcurrentHashMap<>();
    private final Rates rates = new Rates();

    Statistics(StreamRegistry registry, ClientRegistry clientRegistry) {
        this.registry = registry;
        this.clientRegistry = clientRegistry;
    }

    /** The streams and clients of this moment, with the ids of the streams and vhosts assigned. */
    Snapshot snapshot(long now) {
        return new Snapshot(now);
    }

    /** How many stream ids, vhost ids and rate windows are remembered (for tests: none outlive their stream). */
    int remembered() {
        return streamIds.size() + vhostIds.size() + rates.size();
    }

    static String id(long n) {
        return "vid-" + n;
    }

    /** SRS's {@code get_stream_url}: {@code /app/stream}, with the vhost in front unless it is the default one. */
    static String streamUrl(StreamKey key) {
        return (key.isDefaultVhost() ? "" : key.vhost()) + "/" + key.app() + "/" + key.stream();
    }

    /** The tcUrl a client used: its URL without the stream name (and query). */
    static String tcUrl(Client client) {
        String url = client.url();
        if (url == null) {
            return "";
        }
        int query = url.indexOf('?');
        if (query >= 0) {
            url = url.substring(0, query);
        }
        StreamKey key = client.stream();
        if (key != null && url.endsWith("/" + key.stream())) {
            return url.substring(0, url.length() - key.stream().length() - 1);
        }
        int slash = url.lastIndexOf('/');
        return slash > url.indexOf("//") + 1 ? url.substring(0, slash) : url;
    }

    /** SRS's client types: {@code fmle-publish}, {@code rtmp-play}, {@code flv-play}, {@code hls-play}... */
    static String clientType(Client client) {
        boolean publish = client.role() == Client.Role.PUBLISH;
        String protocol = client.protocol() == null ? "" : client.protocol().toLowerCase(java.util.Locale.ROOT);
        return switch (protocol) {
            case "rtmp" -> publish ? "fmle-publish" : "rtmp-play";
            case "flv", "http-flv" -> publish ? "flv-publish" : "flv-play";
            case "webrtc", "rtc" -> publish ? "rtc-publish" : "rtc-play";
            case "" -> "Unknown";
            default -> protocol + (publish ? "-publish" : "-play");
        };
    }

    /** One moment's view. Built on the calling event loop from snapshots of both registries. */
    final class Snapshot {
        final long now;
        /** In id order (creation order). */
        final List<Stream> streams;
        /** The clients that publish or play a stream, in connection order. */
        final List<Client> clients;
        private final Map<StreamKey, List<Client>> byStream = new LinkedHashMap<>();
        /** Vhosts that have streams, in id order. */
        private final Map<String, List<Stream>> byVhost = new LinkedHashMap<>();

        private Snapshot(long now) {
            this.now = now;
            List<Stream> all = new ArrayList<>(registry.streams());
            for (Stream s : all) {
                streamIds.computeIfAbsent(s.key(), k -> ids.incrementAndGet());
            }
            all.sort(Comparator.comparingLong(s -> streamIds.getOrDefault(s.key(), Long.MAX_VALUE)));
            this.streams = all;
            List<Client> connected = new ArrayList<>(clientRegistry.clients());
            List<Client> active = new ArrayList<>();
            for (Client c : connected) {
                StreamKey key = c.stream();
                if (key != null && c.role() != null) {
                    active.add(c);
                    byStream.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
                }
            }
            this.clients = active;
            Map<String, List<Stream>> vhosts = new LinkedHashMap<>();
            for (Stream s : all) {
                String vhost = s.key().vhost();
                vhostIds.computeIfAbsent(vhost, v -> ids.incrementAndGet());
                vhosts.computeIfAbsent(vhost, v -> new ArrayList<>()).add(s);
            }
            vhosts.entrySet().stream()
                    .sorted(Comparator.comparingLong(e -> vhostIds.getOrDefault(e.getKey(), Long.MAX_VALUE)))
                    .forEach(e -> byVhost.put(e.getKey(), e.getValue()));
            forgetGone(all, connected);
        }

        /** Drops the ids and rate windows of streams, vhosts and clients that are gone. */
        private void forgetGone(List<Stream> present, List<Client> connected) {
            Set<StreamKey> keys = new HashSet<>();
            for (Stream s : present) {
                keys.add(s.key());
            }
            // Checked against the registry again: a stream created after our snapshot keeps its id.
            streamIds.keySet().removeIf(k -> !keys.contains(k) && registry.stream(k) == null);
            vhostIds.keySet().removeIf(v -> !byVhost.containsKey(v) && streamIds.keySet().stream().noneMatch(k -> k.vhost().equals(v)));
            Set<String> live = new HashSet<>();
            for (Client c : connected) {
                live.add("client:" + c.id());
            }
            streamIds.values().forEach(id -> live.add("stream:" + id));
            vhostIds.keySet().forEach(v -> live.add("vhost:" + v));
            rates.retain(live);
        }

        Stream stream(String id) {
            for (Stream s : streams) {
                if (id.equals(streamId(s.key()))) {
                    return s;
                }
            }
            return null;
        }

        String vhostById(String id) {
            for (String vhost : byVhost.keySet()) {
                if (id.equals(vhostId(vhost))) {
                    return vhost;
                }
            }
            return null;
        }

        /** The stream's id, or "" when the registry holds no such stream. */
        String streamId(StreamKey key) {
            Long n = key == null ? null : streamIds.get(key);
            return n == null ? "" : id(n);
        }

        String vhostId(String vhost) {
            Long n = vhost == null ? null : vhostIds.get(vhost);
            return n == null ? "" : id(n);
        }

        List<Client> clientsOf(StreamKey key) {
            return byStream.getOrDefault(key, List.of());
        }

        ArrayNode vhosts() {
            ArrayNode array = JSON.arrayNode();
            for (String vhost : byVhost.keySet()) {
                array.add(vhost(vhost));
            }
            return array;
        }

        ObjectNode vhost(String vhost) {
            List<Stream> streamsOf = byVhost.getOrDefault(vhost, List.of());
            int clientCount = 0;
            long in = 0;
            long out = 0;
            long since = now;
            for (Stream s : streamsOf) {
                if (s.publishedSince() > 0) {
                    since = Math.min(since, s.publishedSince());
                }
                clientCount += clientsOf(s.key()).size();
                long[] bytes = bytes(s);
                in += bytes[0];
                out += bytes[1];
            }
            ObjectNode o = JSON.objectNode();
            o.put("id", vhostId(vhost));
            o.put("name", vhost);
            o.put("enabled", true);
            o.put("clients", clientCount);
            o.put("streams", streamsOf.size());
            o.put("send_bytes", out);
            o.put("recv_bytes", in);
            kbps(o, rates.kbps("vhost:" + vhost, since, now, in, out));
            o.putObject("hls").put("enabled", false);
            return o;
        }

        ArrayNode streams(int start, int count) {
            ArrayNode array = JSON.arrayNode();
            for (int i = start; i < streams.size() && i - start < count; i++) {
                array.add(stream(streams.get(i)));
            }
            return array;
        }

        /** {received, sent} bytes of a stream: its clients' counters, or the hub's when no client publishes it (a pull). */
        private long[] bytes(Stream s) {
            long in = 0;
            long out = 0;
            boolean publisher = false;
            for (Client c : clientsOf(s.key())) {
                in += c.bytesIn();
                out += c.bytesOut();
                publisher |= c.role() == Client.Role.PUBLISH;
            }
            return new long[]{publisher ? in : in + s.bytesIn(), out};
        }

        ObjectNode stream(Stream s) {
            StreamKey key = s.key();
            List<Client> of = clientsOf(key);
            Client publisher = null;
            for (Client c : of) {
                if (c.role() == Client.Role.PUBLISH) {
                    publisher = c;
                    break;
                }
            }
            Client tcClient = publisher != null ? publisher : of.isEmpty() ? null : of.get(0);
            long[] bytes = bytes(s);
            String id = streamId(key);
            ObjectNode o = JSON.objectNode();
            o.put("id", id);
            o.put("name", key.stream());
            o.put("vhost", vhostId(key.vhost()));
            o.put("app", key.app());
            o.put("tcUrl", tcClient == null ? "" : tcUrl(tcClient));
            o.put("url", streamUrl(key));
            o.put("live_ms", now);
            o.put("clients", of.size());
            o.put("frames", s.messagesIn());
            o.put("send_bytes", bytes[1]);
            o.put("recv_bytes", bytes[0]);
            long since = s.publishedSince() > 0 ? s.publishedSince() : now;
            kbps(o, rates.kbps("stream:" + id, since, now, bytes[0], bytes[1]));
            ObjectNode publish = o.putObject("publish");
            publish.put("active", s.isPublished());
            if (publisher != null) {
                publish.put("cid", String.valueOf(publisher.id()));
            }
            o.set("video", Codecs.video(s));
            o.set("audio", Codecs.audio(s));
            return o;
        }

        ArrayNode clients(int start, int count) {
            ArrayNode array = JSON.arrayNode();
            for (int i = start; i < clients.size() && i - start < count; i++) {
                array.add(client(clients.get(i)));
            }
            return array;
        }

        ObjectNode client(Client c) {
            StreamKey key = c.stream();
            ObjectNode o = JSON.objectNode();
            o.put("id", String.valueOf(c.id()));
            o.put("vhost", key == null ? "" : vhostId(key.vhost()));
            o.put("stream", streamId(key));
            o.put("ip", c.ip());
            o.put("pageUrl", "");
            o.put("swfUrl", "");
            o.put("tcUrl", tcUrl(c));
            o.put("url", key == null ? "" : streamUrl(key));
            o.put("name", key == null ? "" : key.stream());
            o.put("type", c.role() == null ? "Unknown" : clientType(c));
            o.put("publish", c.role() == Client.Role.PUBLISH);
            o.put("alive", Math.max(0, now - c.connectedAt()) / 1000.0);
            long in = c.bytesIn();
            long out = c.bytesOut();
            o.put("send_bytes", out);
            o.put("recv_bytes", in);
            kbps(o, rates.kbps("client:" + c.id(), c.connectedAt(), now, in, out));
            return o;
        }

        private static void kbps(ObjectNode o, long[] rates) {
            ObjectNode kbps = o.putObject("kbps");
            kbps.put("recv_30s", rates[0]);
            kbps.put("send_30s", rates[1]);
        }
    }
}
