package io.bucketdns.pdns;

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

    /** Answers calls from {@code in} on {@code out} until {@code in} ends. */
    public static void serve(InputStream in, OutputStream out, RemoteBackend backend) throws IOException {
        OutputStream replies = new BufferedOutputStream(out);
        byte[] chunk = new byte[8192];
        byte[] line = new byte[MAX_LINE];
        int length = 0;
        boolean tooLong = false;
        int n;
        while ((n = in.read(chunk)) >= 0) {
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    reply(line, length, tooLong, replies, backend);
                    length = 0;
                    tooLong = false;
                } else if (length < MAX_LINE) {
                    line[length++] = b;
                } else {
                    tooLong = true;
                }
            }
        }
        reply(line, length, tooLong, replies, backend);
    }

    private static void reply(byte[] line, int length, boolean tooLong, OutputStream out, RemoteBackend backend) throws IOException {
        byte[] reply;
        if (tooLong) {
            reply = RemoteBackend.failure("line longer than " + MAX_LINE + " bytes");
        } else if (isBlank(line, length)) {
            return;
        } else {
            try {
                RemoteCall call = RemoteCall.parse(line, 0, length);
                reply = call.method() == null
                        ? RemoteBackend.failure("no \"method\" in the call")
                        : backend.handle(call.method(), call.parameters());
            } catch (IllegalArgumentException e) {
                String text = new String(line, 0, length, StandardCharsets.UTF_8);
                reply = RemoteBackend.failure("cannot read call '" + RemoteBackend.printable(text) + "': " + e.getMessage());
            }
        }
        out.write(reply);
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
