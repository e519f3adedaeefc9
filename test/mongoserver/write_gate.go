package main

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
)

// FerretDB v1 executes an update, findAndModify or delete as "query the
// matching documents, change them in Go, write them back by _id", with
// nothing isolating that sequence from other connections doing the same
// (handler.updateDocument and the backends' UpdateAll in v1.24.2). Two
// concurrent conditional writes can therefore both match and the second
// silently overwrites the first: a filter on a version field, or $set of
// different fields, does not prevent a lost update. MongoDB guarantees that
// every single-document write is atomic, and the MongoDB adapter relies on
// it.
//
// WriteGate restores that guarantee in front of FerretDB: a small proxy
// that forwards the wire protocol unchanged but lets only one write command
// at a time reach the server, holding the next until the server has
// answered the previous one. Reads are never held. The SQLite backend takes
// one writer at a time anyway, so little throughput is lost. Nothing in
// FerretDB offers a switch for this, hence a proxy of our own.
type WriteGate struct {
	backend  string
	listener net.Listener
	mu       sync.Mutex // held from a write's request to its reply

	conns sync.WaitGroup
}

// wire protocol constants (MongoDB wire protocol, OP_MSG).
const (
	headerLen      = 16
	opMsg          = 2013
	flagMoreToCome = 1 << 1
	maxMessageLen  = 48 << 20 // MongoDB's maxMessageSizeBytes
)

// gatedCommands are the commands that modify documents.
var gatedCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findandmodify": true,
}

// NewWriteGate accepts connections on listener and forwards them to the
// server at backend.
func NewWriteGate(listener net.Listener, backend string) *WriteGate {
	return &WriteGate{backend: backend, listener: listener}
}

// Serve proxies connections until the listener is closed.
func (g *WriteGate) Serve() error {
	for {
		client, err := g.listener.Accept()
		if err != nil {
			g.conns.Wait()
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		g.conns.Add(1)
		go func() {
			defer g.conns.Done()
			g.proxy(client)
		}()
	}
}

// Close stops accepting; open connections end when their peers close them.
func (g *WriteGate) Close() error { return g.listener.Close() }

func (g *WriteGate) proxy(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", g.backend)
	if err != nil {
		return
	}
	defer server.Close()

	var awaited awaitedReply
	serverGone := make(chan struct{})
	go func() {
		defer close(serverGone)
		for {
			msg, err := readMessage(server)
			if err != nil {
				_ = client.Close()
				return
			}
			// The client may be gone; keep reading so a pending write
			// still sees its reply and releases the gate.
			_, _ = client.Write(msg)
			awaited.arrived(int32(binary.LittleEndian.Uint32(msg[8:12])))
		}
	}()

	for {
		msg, err := readMessage(client)
		if err != nil {
			return
		}
		if !isGatedWrite(msg) {
			if _, err := server.Write(msg); err != nil {
				return
			}
			continue
		}
		g.mu.Lock()
		// Registered before the write, so the reply cannot come first.
		reply := awaited.expect(int32(binary.LittleEndian.Uint32(msg[4:8])))
		_, err = server.Write(msg)
		if err == nil {
			// The write either got its reply or never will (the
			// connection to the server ended).
			select {
			case <-reply:
			case <-serverGone:
			}
		}
		g.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// awaitedReply is the one reply a connection's pending write waits for;
// the driver never has two requests in flight on one connection.
type awaitedReply struct {
	mu   sync.Mutex
	id   int32
	done chan struct{}
}

func (a *awaitedReply) expect(requestID int32) <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.id, a.done = requestID, make(chan struct{})
	return a.done
}

func (a *awaitedReply) arrived(responseTo int32) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done != nil && responseTo == a.id {
		close(a.done)
		a.done = nil
	}
}

func readMessage(r io.Reader) ([]byte, error) {
	var header [headerLen]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(header[0:4]))
	if n < headerLen || n > maxMessageLen {
		return nil, errors.New("write gate: bad message length")
	}
	msg := make([]byte, n)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[headerLen:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// isGatedWrite reports an OP_MSG whose command is a write and which
// expects a reply. The command name is the first key of the body section:
// header, flag bits, section kind 0, document length, element type, key.
func isGatedWrite(msg []byte) bool {
	if binary.LittleEndian.Uint32(msg[12:16]) != opMsg || len(msg) < headerLen+4+1+4+1+1 {
		return false
	}
	flags := binary.LittleEndian.Uint32(msg[16:20])
	if flags&flagMoreToCome != 0 || msg[20] != 0 {
		return false
	}
	key := msg[26:]
	end := 0
	for end < len(key) && end < 32 && key[end] != 0 {
		end++
	}
	return gatedCommands[strings.ToLower(string(key[:end]))]
}
