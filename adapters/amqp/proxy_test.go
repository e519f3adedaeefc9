package amqp

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// proxy stands between one publisher and the broker, so a test can take
// the broker away from that publisher alone (cut), or let the broker's
// answers stall (hold), without stopping a broker other tests share.
type proxy struct {
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

// startProxy returns the proxy and brokerURL rewritten to go through it.
func startProxy(t *testing.T, brokerURL string) (*proxy, string) {
	t.Helper()
	u, err := url.Parse(brokerURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{target: u.Host, ln: ln, gate: make(chan struct{}), pairs: map[*pair]struct{}{}}
	close(p.gate)
	go p.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		p.cut()
	})
	u.Host = ln.Addr().String()
	return p, u.String()
}

func (p *proxy) serve() {
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
func (p *proxy) answers(pr *pair) {
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

// cut drops every connection and refuses new ones until restore.
func (p *proxy) cut() {
	p.mu.Lock()
	p.down = true
	pairs := p.pairs
	p.pairs = map[*pair]struct{}{}
	p.mu.Unlock()
	for pr := range pairs {
		pr.close()
	}
}

func (p *proxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// hold keeps the broker's answers (confirms among them) from reaching
// clients until release; what clients send still reaches the broker.
func (p *proxy) hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gate = make(chan struct{})
}

func (p *proxy) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.gate)
}
