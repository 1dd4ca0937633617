// Command mongo-wire runs a MongoDB-wire-protocol server for Shotline's tests
// and CI: FerretDB v1 embedded as a library, storing in SQLite files.
//
// It is a stand-in for MongoDB on machines that have none (no Docker, no mongod
// package); MONGO_URL can always point the tests at a real MongoDB instead.
//
//	mongo-wire -addr 127.0.0.1:27117 -dir /path/to/data   serve
//	mongo-wire -ping 127.0.0.1:27117                       exit 0 once a server answers ping
//	mongo-wire -version
//
// # Serialized commands
//
// FerretDB v1 runs an update as "read the matching documents, change them in Go,
// write them back", without a transaction, so two concurrent updates of the same
// document lose one of them (50 concurrent {$inc: {v: 1}} leave v at about 5), and two
// concurrent findOneAndUpdate calls can both claim the same document. MongoDB
// guarantees that every single-document write is atomic. To keep that guarantee for
// the tests, mongo-wire by default puts a small front in front of FerretDB: clients
// connect to the front, each client connection gets its own FerretDB connection, and
// the front lets one command at a time through (it waits for FerretDB's reply before
// passing on the next command from any connection). Every command is then atomic,
// which is stronger than MongoDB (and slower under load; fine for tests).
// -serialize=false lets clients talk to FerretDB directly.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

const ferretModule = "github.com/FerretDB/FerretDB"

func main() {
	addr := flag.String("addr", envOr("MONGO_WIRE_ADDR", "127.0.0.1:27117"), "TCP address to listen on")
	dir := flag.String("dir", envOr("MONGO_WIRE_DIR", "mongo-wire-data"), "directory for the SQLite database files (created if missing)")
	level := flag.String("log-level", envOr("MONGO_WIRE_LOG_LEVEL", "info"), "log level: debug, info, warn or error")
	serialize := flag.Bool("serialize", envOr("MONGO_WIRE_SERIALIZE", "true") != "false",
		"pass one command at a time to FerretDB, so that every single-document write is atomic")
	ping := flag.String("ping", "", "instead of serving: send ping to this address, exit 0 if it answers ok")
	showVersion := flag.Bool("version", false, "print version and exit")
	flag.Parse()

	switch {
	case *showVersion:
		fmt.Println(versionString())
		return
	case *ping != "":
		if err := pingServer(*ping, 2*time.Second); err != nil {
			fmt.Fprintf(os.Stderr, "mongo-wire: ping %s: %v\n", *ping, err)
			os.Exit(1)
		}
		fmt.Println("ok")
		return
	}

	if err := run(*addr, *dir, *level, *serialize); err != nil {
		fmt.Fprintf(os.Stderr, "mongo-wire: %v\n", err)
		os.Exit(1)
	}
}

func run(addr, dir, level string, serialize bool) error {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("bad -log-level %q: %w", level, err)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
	slog.SetDefault(logger)

	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(abs, 0o755); err != nil {
		return err
	}

	logger.Info("mongo-wire starting", slog.String("version", versionString()),
		slog.String("addr", addr), slog.String("dir", abs), slog.Bool("serialize", serialize),
		slog.Int("pid", os.Getpid()))

	// The SQLite backend wants a "file:" URI naming an existing directory, ending with "/".
	sqliteURL := (&url.URL{Scheme: "file", Path: strings.TrimSuffix(abs, "/") + "/"}).String()

	listener := ferretdb.ListenerConfig{TCP: addr}

	var front net.Listener
	if serialize {
		// FerretDB listens on a private Unix socket; clients reach it through the front.
		sockDir, err := os.MkdirTemp("", "mongo-wire-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(sockDir)

		listener = ferretdb.ListenerConfig{Unix: filepath.Join(sockDir, "ferretdb.sock")}

		// Listen before FerretDB starts, so that a port in use fails at once.
		if front, err = net.Listen("tcp", addr); err != nil {
			return err
		}
		defer front.Close()
	}

	// FerretDB's embeddable package disables telemetry itself (and locks it off);
	// nothing here reports anywhere.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	var wg sync.WaitGroup
	if serialize {
		p := &proxy{backend: listener.Unix, l: logger.With(slog.String("name", "serialize")), conns: map[net.Conn]struct{}{}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.serve(ctx, front)
		}()
		logger.Info("Serializing commands", slog.String("addr", front.Addr().String()))
	}

	// Run returns once ctx is cancelled and every connection and the backend are closed.
	err = f.Run(ctx)
	wg.Wait()

	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}

	logger.Info("mongo-wire stopped")

	return nil
}

// Wire protocol constants.
const (
	opUpdate        = 2001
	opInsert        = 2002
	opDelete        = 2006
	opKillCursors   = 2007
	opMsg           = 2013
	flagMoreToCome  = 1 << 1
	maxMessageBytes = 64 << 20
)

// proxy forwards client connections to FerretDB, one command at a time across all of them.
type proxy struct {
	backend string
	l       *slog.Logger

	mu sync.Mutex // held from sending a command to FerretDB until its reply is read

	connsMu sync.Mutex
	conns   map[net.Conn]struct{}
	closed  bool
}

func (p *proxy) track(c net.Conn) bool {
	p.connsMu.Lock()
	defer p.connsMu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) untrack(c net.Conn) {
	p.connsMu.Lock()
	delete(p.conns, c)
	p.connsMu.Unlock()
	c.Close()
}

func (p *proxy) closeAll() {
	p.connsMu.Lock()
	defer p.connsMu.Unlock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
}

func (p *proxy) serve(ctx context.Context, ln net.Listener) {
	var wg sync.WaitGroup
	defer wg.Wait()

	go func() {
		<-ctx.Done()
		ln.Close()
		p.closeAll()
	}()

	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			p.l.Warn("Accept failed", slog.String("error", err.Error()))
			time.Sleep(50 * time.Millisecond)
			continue
		}

		wg.Add(1)
		go func() {
			defer wg.Done()
			p.handle(c)
		}()
	}
}

func (p *proxy) handle(client net.Conn) {
	if !p.track(client) {
		client.Close()
		return
	}
	defer p.untrack(client)

	backend, err := net.Dial("unix", p.backend)
	if err != nil {
		p.l.Warn("Cannot reach FerretDB", slog.String("error", err.Error()))
		return
	}
	if !p.track(backend) {
		backend.Close()
		return
	}
	defer p.untrack(backend)

	cr := bufio.NewReaderSize(client, 64<<10)
	br := bufio.NewReaderSize(backend, 64<<10)

	for {
		req, err := readMessage(cr)
		if err != nil {
			return // client went away (or sent garbage)
		}

		p.mu.Lock()
		_, err = backend.Write(req)
		var resp []byte
		if err == nil && expectsReply(req) {
			resp, err = readMessage(br)
		}
		p.mu.Unlock()

		if err != nil {
			return
		}
		if resp == nil {
			continue
		}

		// An exhaust reply (moreToCome) is followed by more replies without requests.
		for {
			if _, err = client.Write(resp); err != nil {
				return
			}
			if !moreToCome(resp) {
				break
			}
			if resp, err = readMessage(br); err != nil {
				return
			}
		}
	}
}

// readMessage reads one whole wire protocol message.
func readMessage(r io.Reader) ([]byte, error) {
	var hdr [16]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(hdr[0:4])))
	if n < 16 || n > maxMessageBytes {
		return nil, fmt.Errorf("bad message length %d", n)
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[16:]); err != nil {
		return nil, err
	}
	return msg, nil
}

func opCode(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[12:16])) }

func moreToCome(msg []byte) bool {
	return opCode(msg) == opMsg && len(msg) >= 20 && binary.LittleEndian.Uint32(msg[16:20])&flagMoreToCome != 0
}

// expectsReply tells whether the server answers this client message.
func expectsReply(msg []byte) bool {
	switch opCode(msg) {
	case opUpdate, opInsert, opDelete, opKillCursors: // legacy fire-and-forget
		return false
	default:
		return !moreToCome(msg) // w:0 writes set moreToCome
	}
}

// pingServer sends {ping: 1, $db: "admin"} as OP_MSG and checks for {ok: 1}.
func pingServer(addr string, timeout time.Duration) error {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))

	var doc []byte
	doc = append(doc, 0, 0, 0, 0)
	doc = append(doc, 0x10)
	doc = append(doc, "ping\x00"...)
	doc = binary.LittleEndian.AppendUint32(doc, 1)
	doc = append(doc, 0x02)
	doc = append(doc, "$db\x00"...)
	doc = binary.LittleEndian.AppendUint32(doc, uint32(len("admin")+1))
	doc = append(doc, "admin\x00"...)
	doc = append(doc, 0)
	binary.LittleEndian.PutUint32(doc[0:4], uint32(len(doc)))

	msg := make([]byte, 16, 16+5+len(doc))
	msg = binary.LittleEndian.AppendUint32(msg, 0) // flagBits
	msg = append(msg, 0)                           // section kind 0: body
	msg = append(msg, doc...)
	binary.LittleEndian.PutUint32(msg[0:4], uint32(len(msg)))
	binary.LittleEndian.PutUint32(msg[4:8], 1)
	binary.LittleEndian.PutUint32(msg[12:16], opMsg)

	if _, err = c.Write(msg); err != nil {
		return err
	}

	resp, err := readMessage(bufio.NewReader(c))
	if err != nil {
		return err
	}
	if opCode(resp) != opMsg || len(resp) < 21+5 || resp[20] != 0 {
		return fmt.Errorf("unexpected reply (opCode %d)", opCode(resp))
	}
	ok, err := bsonOK(resp[21:])
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("reply has no ok: 1")
	}
	return nil
}

// bsonOK walks the top-level elements of a BSON document and reports whether "ok" is 1.
func bsonOK(doc []byte) (bool, error) {
	if len(doc) < 5 {
		return false, errors.New("short document")
	}
	end := int(binary.LittleEndian.Uint32(doc[0:4]))
	if end > len(doc) {
		return false, errors.New("truncated document")
	}
	i := 4
	for i < end-1 {
		typ := doc[i]
		i++
		nameEnd := i
		for nameEnd < end && doc[nameEnd] != 0 {
			nameEnd++
		}
		name := string(doc[i:nameEnd])
		i = nameEnd + 1

		var size int
		if (typ == 0x02 || typ == 0x03 || typ == 0x04 || typ == 0x05) && i+4 > end {
			return false, errors.New("truncated element")
		}
		switch typ {
		case 0x01, 0x09, 0x11, 0x12: // double, datetime, timestamp, int64
			size = 8
		case 0x10: // int32
			size = 4
		case 0x08: // bool
			size = 1
		case 0x0A: // null
			size = 0
		case 0x07: // ObjectId
			size = 12
		case 0x13: // decimal128
			size = 16
		case 0x02: // string
			size = 4 + int(binary.LittleEndian.Uint32(doc[i:i+4]))
		case 0x03, 0x04: // document, array
			size = int(binary.LittleEndian.Uint32(doc[i : i+4]))
		case 0x05: // binary
			size = 5 + int(binary.LittleEndian.Uint32(doc[i:i+4]))
		default:
			return false, fmt.Errorf("unexpected BSON type 0x%02x before ok", typ)
		}
		if i+size > end {
			return false, errors.New("truncated element")
		}

		if name == "ok" {
			v := doc[i : i+size]
			switch typ {
			case 0x01:
				return math.Float64frombits(binary.LittleEndian.Uint64(v)) == 1, nil
			case 0x10:
				return binary.LittleEndian.Uint32(v) == 1, nil
			case 0x12:
				return binary.LittleEndian.Uint64(v) == 1, nil
			case 0x08:
				return v[0] == 1, nil
			}
			return false, nil
		}
		i += size
	}
	return false, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func versionString() string {
	ferret := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == ferretModule {
				ferret = d.Version
				if d.Replace != nil {
					ferret += " => " + d.Replace.Path + " " + d.Replace.Version
				}
			}
		}
	}
	return "mongo-wire (FerretDB " + ferret + ", sqlite backend)"
}
