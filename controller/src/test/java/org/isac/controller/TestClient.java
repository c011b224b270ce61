package org.isac.controller;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.FrontEndMessage;

/** A blocking front-end client over a plain socket (varint-delimited protobuf). */
public final class TestClient implements AutoCloseable {
    public static final int READ_TIMEOUT_MS = 10_000;

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public TestClient(int port) throws IOException {
        this(port, 0);
    }

    /** @param receiveBufferBytes SO_RCVBUF for the client socket; 0 leaves the default */
    public TestClient(int port, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        out = new BufferedOutputStream(socket.getOutputStream());
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** Over a connected socket (e.g. a TLS socket). */
    public TestClient(Socket connected) throws IOException {
        socket = connected;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        out = new BufferedOutputStream(socket.getOutputStream());
        in = new BufferedInputStream(socket.getInputStream());
    }

    public void send(FrontEndMessage m) throws IOException {
        m.writeDelimitedTo(out);
        out.flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public ControllerMessage read() throws IOException {
        ControllerMessage m = ControllerMessage.parseDelimitedFrom(in);
        if (m == null) {
            throw new EOFException("controller closed the connection");
        }
        return m;
    }

    /** True when the peer closed the connection (end of stream) within the read timeout. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
