package main

import (
	"encoding/binary"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// newOpMsg builds an OP_MSG whose body's first key is command.
func newOpMsg(requestID int32, command string) []byte {
	// body: {command: 1} as BSON (int32 element)
	elem := append([]byte{0x10}, append([]byte(command), 0)...)
	elem = binary.LittleEndian.AppendUint32(elem, 1)
	body := binary.LittleEndian.AppendUint32(nil, uint32(4+len(elem)+1))
	body = append(append(body, elem...), 0)
	msg := make([]byte, 16, 16+4+1+len(body))
	msg = binary.LittleEndian.AppendUint32(msg, 0) // flag bits
	msg = append(msg, 0)                           // section kind 0
	msg = append(msg, body...)
	binary.LittleEndian.PutUint32(msg[0:4], uint32(len(msg)))
	binary.LittleEndian.PutUint32(msg[4:8], uint32(requestID))
	binary.LittleEndian.PutUint32(msg[12:16], opMsg)
	return msg
}

func TestIsGatedWriteRecognisesTheWriteCommands(t *testing.T) {
	for cmd, want := range map[string]bool{
		"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true,
		"find": false, "hello": false, "aggregate": false, "createIndexes": false, "ping": false,
	} {
		if got := isGatedWrite(newOpMsg(1, cmd)); got != want {
			t.Errorf("isGatedWrite(%s) = %v, want %v", cmd, got, want)
		}
	}
}

// fakeServer answers every message after a pause, counting how many
// writes it has in hand at once.
type fakeServer struct {
	inFlight, maxInFlight atomic.Int32
}

func (f *fakeServer) serve(t *testing.T, l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			for {
				msg, err := readMessage(c)
				if err != nil {
					return
				}
				write := isGatedWrite(msg)
				if write {
					n := f.inFlight.Add(1)
					for m := f.maxInFlight.Load(); n > m && !f.maxInFlight.CompareAndSwap(m, n); m = f.maxInFlight.Load() {
					}
					time.Sleep(time.Millisecond)
					f.inFlight.Add(-1)
				}
				reply := newOpMsg(0, "ok")
				binary.LittleEndian.PutUint32(reply[8:12], binary.LittleEndian.Uint32(msg[4:8]))
				if _, err := c.Write(reply); err != nil {
					return
				}
			}
		}()
	}
}

// Writes from many connections reach the server one at a time, reads pass
// freely, and a read answered just before a write on the same connection
// never leaves the write waiting (each connection runs reads and writes
// back to back, many times).
func TestWriteGateLetsOneWriteThroughAtATime(t *testing.T) {
	backend, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Close()
	server := &fakeServer{}
	go server.serve(t, backend)

	front, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gate := NewWriteGate(front, backend.Addr().String())
	go func() { _ = gate.Serve() }()
	defer gate.Close()

	var wg sync.WaitGroup
	for conn := range 8 {
		wg.Go(func() {
			c, err := net.Dial("tcp", front.Addr().String())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			for i := range 100 {
				id := int32(conn*1000 + i)
				cmd := []string{"find", "update"}[i%2]
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				if _, err := c.Write(newOpMsg(id, cmd)); err != nil {
					t.Error(err)
					return
				}
				reply, err := readMessage(c)
				if err != nil {
					t.Errorf("connection %d, request %d (%s): %v", conn, i, cmd, err)
					return
				}
				if got := int32(binary.LittleEndian.Uint32(reply[8:12])); got != id {
					t.Errorf("reply to %d, want %d", got, id)
				}
			}
		})
	}
	wg.Wait()
	if m := server.maxInFlight.Load(); m != 1 {
		t.Fatalf("the server had %d writes in hand at once, want 1", m)
	}
}
