package org.fluvia.transport;

import java.net.InetSocketAddress;

/** SRS's {@code listen} values: {@code port}, {@code ip:port} or {@code [v6]:port}. */
public final class ListenAddress {

    private ListenAddress() {
    }

    /**
     * The socket address to bind; a bare port (or 0.0.0.0) means every interface.
     *
     * @throws IllegalArgumentException naming the value and what is wrong with it
     */
    public static InetSocketAddress parse(String listen) {
        String s = listen.trim();
        int colon = s.lastIndexOf(':');
        String host = colon < 0 ? null : s.substring(0, colon);
        String portText = colon < 0 ? s : s.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen '" + listen + "': not a port or ip:port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("listen '" + listen + "': port must be within 1..65535");
        }
        if (host == null || host.isEmpty() || host.equals("0.0.0.0")) {
            return new InetSocketAddress(port);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, port);
    }
}
