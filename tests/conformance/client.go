// client.go - TLS handshakes with Go's crypto/tls, one per scenario.
//
// Usage: client TARGETS OUTDIR
// TARGETS has one "SCENARIO PORT NAME DIR" per line; for each, the
// client trusts DIR/anchors.pem only, connects to 127.0.0.1:PORT, asks for
// NAME (crypto/tls verifies the chain and the name), and writes
// OUTDIR/SCENARIO: "accept" or "reject", then the error.
package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func try(port, name, dir string) (bool, string) {
	pem, err := os.ReadFile(filepath.Join(dir, "anchors.pem"))
	if err != nil {
		return false, err.Error()
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	d := &net.Dialer{Timeout: 20 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", "127.0.0.1:"+port,
		&tls.Config{RootCAs: pool, ServerName: name})
	if err != nil {
		return false, err.Error()
	}
	c.Close()
	return true, "ok"
}

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s := bufio.NewScanner(f)
	for s.Scan() {
		w := strings.Fields(s.Text())
		if len(w) != 4 {
			continue
		}
		ok, msg := try(w[1], w[2], w[3])
		v := "reject"
		if ok {
			v = "accept"
		}
		msg = strings.ReplaceAll(msg, "\n", " ")
		out := []byte(fmt.Sprintf("%s\n%s\n", v, msg))
		os.WriteFile(filepath.Join(os.Args[2], w[0]), out, 0644)
	}
}
