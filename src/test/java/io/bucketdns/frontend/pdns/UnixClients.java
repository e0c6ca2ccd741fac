package io.bucketdns.frontend.pdns;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A crowd of local clients for {@link UnixConnectorE2ETest}, run as another user: opens N
 * connections to a socket, then asks one question on each that is still open, and prints {@code
 * refused=R answered=A closed=C}. Refused: connect failed with permission denied; closed: the server
 * had closed the connection (evicted) before the question.
 */
public final class UnixClients {
    private static final byte[] QUESTION =
            "{\"method\":\"lookup\",\"parameters\":{\"qname\":\"foo.o.example.com.\",\"qtype\":\"A\"}}\n".getBytes(StandardCharsets.UTF_8);

    private UnixClients() {}

    public static void main(String[] args) throws IOException {
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int refused = 0;
        String otherFailure = null;
        List<SocketChannel> open = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                open.add(SocketChannel.open(path));
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("Permission denied")) {
                    refused++;
                } else {
                    otherFailure = e.toString();
                }
            }
        }
        int answered = 0;
        int closed = 0;
        ByteBuffer reply = ByteBuffer.allocate(4096);
        for (SocketChannel c : open) {
            try (c) {
                c.write(ByteBuffer.wrap(QUESTION));
                reply.clear();
                int got = c.read(reply);
                if (got > 0 && new String(reply.array(), 0, got, StandardCharsets.UTF_8).contains("foo.o.example.eu.")) {
                    answered++;
                } else {
                    closed++;
                }
            } catch (IOException e) {
                closed++;
            }
        }
        System.out.println("refused=" + refused + " answered=" + answered + " closed=" + closed
                + (otherFailure == null ? "" : " other=" + otherFailure));
    }
}
