package io.bucketdns.frontend.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import org.junit.jupiter.api.Test;

class ConnectionsTest {
    /** A socket that only remembers being closed. */
    private static final class Socket implements Closeable {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void atTheBoundTheIdlestIsClosed() {
        Connections<Socket> connections = new Connections<>(2);
        Socket first = new Socket();
        Socket second = new Socket();
        connections.admit(first).touch();
        connections.admit(second).touch();

        connections.admit(new Socket());

        assertThat(first.closed).isTrue();
        assertThat(second.closed).isFalse();
        assertThat(connections.size()).isEqualTo(2);
    }

    @Test
    void aCrowdThatNeverCompletesAMessageNeverEvictsAClientBeingServed() {
        Connections<Socket> connections = new Connections<>(3);
        Socket served = new Socket();
        connections.admit(served).touch(); // answered once, now idle between questions: the oldest of all
        for (int i = 0; i < 100; i++) {
            connections.admit(new Socket()); // stalls before its first message is whole
        }

        assertThat(served.closed).isFalse();
        assertThat(connections.size()).isEqualTo(3);
    }

    @Test
    void oneFinishingItsLastReplyMakesRoomBeforeAServedOneAndAfterOlderStalledOnes() {
        Connections<Socket> connections = new Connections<>(3);
        Socket served = new Socket();
        connections.admit(served).touch();
        Socket stalled = new Socket();
        connections.admit(stalled);
        Socket finishing = new Socket();
        Connections.Connection<Socket> last = connections.admit(finishing);
        last.touch();
        last.finishing();

        connections.admit(new Socket());
        assertThat(stalled.closed).isTrue();
        assertThat(finishing.closed).isFalse();

        connections.admit(new Socket());
        assertThat(finishing.closed).isTrue();
        assertThat(served.closed).isFalse();
    }
}
