package oauth2_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/mailscript/mailscript/internal/testkit/authserver"
	"github.com/mailscript/mailscript/oauth2"
)

// TestRefresherProcess is the child of TestKill9KeepsAValidToken: with
// OAUTH2_REFRESHER_DIR set it refreshes the sign-in "k" in that store as
// fast as it can until it is killed; otherwise it returns at once.
func TestRefresherProcess(t *testing.T) {
	dir := os.Getenv("OAUTH2_REFRESHER_DIR")
	if dir == "" {
		return
	}
	src := oauth2.NewSource(oauth2.NewStore(dir, ""), "k")
	tok := ""
	for {
		var err error
		if tok, err = src.Refresh(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKill9KeepsAValidToken kills a process that refreshes (and rotates)
// tokens in a loop at random moments with SIGKILL, and checks each time
// that the store holds a refresh token the server accepts: a file never
// half-written, a rotated token saved before it is used. The server keeps
// the predecessor of a never-used token valid (RotationGrace), as the
// answer to the last refresh may be lost with the process.
func TestKill9KeepsAValidToken(t *testing.T) {
	srv := authserver.Start(t, authserver.RotationGrace())
	dir := t.TempDir()
	store := oauth2.NewStore(dir, "")
	rec, err := oauth2.DeviceLogin(context.Background(), login(srv, "k"), approve(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Save(rec); err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		before := srv.Counts().Refreshes
		cmd := exec.Command(os.Args[0], "-test.run=^TestRefresherProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "OAUTH2_REFRESHER_DIR="+dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it refresh a few times, then kill it at a random moment.
		tick := time.NewTicker(5 * time.Millisecond)
		for deadline := time.Now().Add(30 * time.Second); srv.Counts().Refreshes < before+3; <-tick.C {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("round %d: the refresher does not refresh; it printed:\n%s", round, out.String())
			}
		}
		<-time.After(time.Duration(rand.N(50)) * time.Millisecond) // the random moment
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		// A refresh the child sent just before it died may still wait in
		// the server's socket; it must be handled before ours, or it would
		// take the grace of the token we are about to use, which no
		// provider would see from a process that is gone. So wait until
		// the server has closed every connection.
		srv.Client().CloseIdleConnections()
		for deadline := time.Now().Add(30 * time.Second); srv.OpenConns() > 0; <-tick.C {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the server still holds %d connections", round, srv.OpenConns())
			}
		}
		tick.Stop()

		// The next start: a fresh source from the file.
		src := oauth2.NewSource(oauth2.NewStore(dir, ""), "k")
		src.Client = srv.Client()
		saved, err := store.Load("k")
		if err != nil {
			t.Fatalf("round %d: the store is unreadable after kill -9: %v", round, err)
		}
		if _, err := src.Refresh(context.Background(), saved.Secrets.AccessToken); err != nil {
			t.Fatalf("round %d: after kill -9 the stored refresh token is refused: %v", round, err)
		}
	}
	c := srv.Counts()
	t.Logf("%d refreshes, %d with a predecessor token after a kill, %d refused", c.Refreshes, c.GraceRefreshes, c.RefusedRefreshes)
	if c.RefusedRefreshes != 0 {
		t.Errorf("%d refreshes refused", c.RefusedRefreshes)
	}
}
