package rabbittest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy stands between clients and the broker, so a test can take the
// broker away from those clients alone (Cut), or let the broker's answers
// stall (Hold), without stopping a broker other tests share. It is a small
// relay of its own rather than a fault-injection library because Hold must
// delay the broker's answers and then deliver every byte, which their
// faults (that drop or slow data) do not do.
type Proxy struct {
	target string
	ln     net.Listener

	mu    sync.Mutex
	down  bool
	gate  chan struct{} // closed while the broker's answers flow
	pairs map[*pair]struct{}
}

// pair is one client connection and its connection to the broker.
type pair struct {
	client, broker net.Conn
	done           chan struct{}
	once           sync.Once
}

func (p *pair) close() {
	p.once.Do(func() {
		close(p.done)
		_ = p.client.Close()
		_ = p.broker.Close()
	})
}

// StartProxy returns a proxy to the broker of brokerURL, and brokerURL
// rewritten to go through it. It closes when the test ends.
func StartProxy(t testing.TB, brokerURL string) (*Proxy, string) {
	t.Helper()
	u, err := url.Parse(brokerURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{target: u.Host, ln: ln, gate: make(chan struct{}), pairs: map[*pair]struct{}{}}
	close(p.gate)
	go p.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		p.Cut()
	})
	u.Host = ln.Addr().String()
	return p, u.String()
}

func (p *Proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		p.mu.Unlock()
		if down {
			_ = c.Close() // as a broker that is gone: the handshake fails
			continue
		}
		b, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		pr := &pair{client: c, broker: b, done: make(chan struct{})}
		p.mu.Lock()
		if p.down { // cut while this one was dialling
			p.mu.Unlock()
			pr.close()
			continue
		}
		p.pairs[pr] = struct{}{}
		p.mu.Unlock()
		go func() {
			_, _ = io.Copy(b, c)
			pr.close()
		}()
		go p.answers(pr)
	}
}

// answers copies the broker's bytes to the client, each chunk waiting at
// the gate.
func (p *Proxy) answers(pr *pair) {
	defer pr.close()
	buf := make([]byte, 32*1024)
	for {
		n, err := pr.broker.Read(buf)
		if n > 0 {
			p.mu.Lock()
			gate := p.gate
			p.mu.Unlock()
			select {
			case <-gate:
			case <-pr.done:
				return
			}
			if _, werr := pr.client.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Cut drops every connection and refuses new ones until Restore, as a
// broker that went away.
func (p *Proxy) Cut() {
	p.mu.Lock()
	p.down = true
	pairs := p.pairs
	p.pairs = map[*pair]struct{}{}
	p.mu.Unlock()
	for pr := range pairs {
		pr.close()
	}
}

// Restore lets clients connect again.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// Hold keeps the broker's answers (confirms among them) from reaching
// clients until Release; what clients send still reaches the broker.
func (p *Proxy) Hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gate = make(chan struct{})
}

// Release lets the answers held since Hold through.
func (p *Proxy) Release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.gate)
}
