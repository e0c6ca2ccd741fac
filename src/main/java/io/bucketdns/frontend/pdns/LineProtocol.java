package io.bucketdns.frontend.pdns;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The remote backend's line encoding, shared by the unix connector (one stream per connection)
 * and the pipe connector (stdin and stdout): one JSON call a line in, one JSON reply a line out,
 * in order. PowerDNS sends {@code initialize} first on every new stream and waits for each reply
 * before the next call.
 *
 * <p>A line that is not a call gets a {@code {"result":false,"log":[...]}} reply saying why, so
 * PowerDNS logs the reason and the stream stays in step; only end of input ends it.
 */
public final class LineProtocol {
    /** Longer lines are answered with a failure: no remote-backend call comes near this. */
    static final int MAX_LINE = HttpConnector.MAX_BODY;

    private LineProtocol() {}

    /** A connection's line buffer starts this small and doubles up to {@link #MAX_LINE} as lines need. */
    static final int FIRST_LINE_BUFFER = 512;

    /** Answers calls from {@code in} on {@code out} until {@code in} ends. */
    public static void serve(InputStream in, OutputStream out, RemoteBackend backend) throws IOException {
        serve(in, out, backend, () -> { });
    }

    /** As above, running {@code answered} after each reply (a connection's sign of life). */
    static void serve(InputStream in, OutputStream out, RemoteBackend backend, Runnable answered) throws IOException {
        OutputStream replies = new BufferedOutputStream(out, 1024);
        byte[] chunk = new byte[2048];
        byte[] line = new byte[FIRST_LINE_BUFFER];
        int length = 0;
        boolean tooLong = false;
        int n;
        while ((n = in.read(chunk)) >= 0) {
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    reply(line, length, tooLong, replies, backend);
                    answered.run();
                    length = 0;
                    tooLong = false;
                } else if (length < MAX_LINE) {
                    if (length == line.length) {
                        line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
                    }
                    line[length++] = b;
                } else {
                    tooLong = true;
                }
            }
        }
        reply(line, length, tooLong, replies, backend);
    }

    private static void reply(byte[] line, int length, boolean tooLong, OutputStream out, RemoteBackend backend) throws IOException {
        if (tooLong) {
            out.write(RemoteBackend.failure("line longer than " + MAX_LINE + " bytes"));
        } else if (isBlank(line, length)) {
            return;
        } else {
            RemoteCall call = null;
            try {
                call = RemoteCall.parse(line, 0, length);
            } catch (IllegalArgumentException e) {
                String text = new String(line, 0, length, StandardCharsets.UTF_8);
                out.write(RemoteBackend.failure("cannot read call '" + RemoteBackend.printable(text) + "': " + e.getMessage()));
            }
            if (call != null && call.method() == null) {
                out.write(RemoteBackend.failure("no \"method\" in the call"));
            } else if (call != null) {
                backend.stream(call.method(), call.parameters(), out);
            }
        }
        out.write('\n');
        out.flush();
    }

    private static boolean isBlank(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
                return false;
            }
        }
        return true;
    }
}
