package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mailscript/mailscript/oauth2"
)

const authHelp = `Usage: mailscript [flags] auth login NAME [login flags]
       mailscript [flags] auth list
       mailscript [flags] auth show NAME
       mailscript [flags] auth logout NAME

Signs mail accounts in with OAuth2 (Gmail, Microsoft 365, or any provider
with a token endpoint) and keeps the tokens in the state folder, one file
per NAME (mode 0600). An account uses them with oauth2 = "NAME"
(mail.account) or oauth2=NAME (account URL); mailscript refreshes the
access token before it expires and saves the refresh token the provider
rotates. Set MAILSCRIPT_TOKEN_KEY to a passphrase to encrypt the tokens.

login signs in with the device flow: it prints a URL and a code to enter
there, on any device, and waits. --browser uses the authorization-code
flow with PKCE instead: it prints a URL to open in a browser on this
machine, which comes back to mailscript on 127.0.0.1. Signing in again
under the same NAME reuses its provider and client unless flags say
otherwise. list shows the sign-ins, show one of them (never the tokens),
logout deletes the stored tokens (revoke the access at the provider too).

Login flags:
  --provider google|microsoft|generic
  --client-id ID          the OAuth2 application (or MAILSCRIPT_OAUTH2_CLIENT_ID)
  --client-secret SECRET  its secret, for providers that want one (Google;
                          or MAILSCRIPT_OAUTH2_CLIENT_SECRET)
  --tenant T              Microsoft tenant (default common)
  --scope S               a scope to ask for instead of the preset ones (repeatable)
  --browser               authorization code + PKCE on a loopback redirect
  --auth-url URL          generic: the authorization endpoint
  --token-url URL         generic: the token endpoint
  --device-url URL        generic: the device authorization endpoint
`

// openBrowser opens url in the user's browser, when there is a way to.
var openBrowser = func(url string) {
	for _, c := range []string{os.Getenv("BROWSER"), "xdg-open", "open"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			cmd := exec.Command(p, url)
			if cmd.Start() == nil {
				go cmd.Wait()
			}
			return
		}
	}
}

// authClient, when set, makes the HTTP requests of auth login (tests).
var authClient *http.Client

func tokenStore(o *options) (*oauth2.Store, error) {
	dir, err := stateDir(o)
	if err != nil {
		return nil, err
	}
	return oauth2.NewStore(filepath.Join(dir, "oauth2"), os.Getenv(oauth2.KeyEnv)), nil
}

type scopesFlag []string

func (s *scopesFlag) String() string { return strings.Join(*s, " ") }
func (s *scopesFlag) Set(v string) error {
	*s = append(*s, strings.Fields(v)...)
	return nil
}

func authCmd(ctx context.Context, o *options, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, authHelp)
		return usagef("auth needs a subcommand: login, list, show or logout")
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("auth " + sub)
	var l loginFlags
	switch sub {
	case "login":
		fs.StringVar(&l.provider, "provider", "", "")
		fs.StringVar(&l.clientID, "client-id", os.Getenv("MAILSCRIPT_OAUTH2_CLIENT_ID"), "")
		fs.StringVar(&l.clientSecret, "client-secret", os.Getenv("MAILSCRIPT_OAUTH2_CLIENT_SECRET"), "")
		fs.StringVar(&l.tenant, "tenant", "", "")
		fs.Var(&l.scopes, "scope", "")
		fs.BoolVar(&l.browser, "browser", false, "")
		fs.StringVar(&l.authURL, "auth-url", "", "")
		fs.StringVar(&l.tokenURL, "token-url", "", "")
		fs.StringVar(&l.deviceURL, "device-url", "", "")
	case "list", "show", "logout":
	case "help", "-h", "--help":
		fmt.Fprint(stdout, authHelp)
		return nil
	default:
		return usagef("unknown auth subcommand %q (login, list, show, logout)", sub)
	}
	// NAME may come before or after the flags.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	rest, err := parse(fs, o, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, authHelp)
		return err
	}
	if err != nil {
		return err
	}
	if name == "" && len(rest) > 0 {
		name, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		return usagef("auth %s: unexpected %q", sub, rest[0])
	}
	if sub == "list" {
		if name != "" {
			return usagef("auth list takes no NAME")
		}
	} else if name == "" {
		return usagef("auth %s needs a NAME", sub)
	} else if err := oauth2.CheckName(name); err != nil {
		return usagef("%v", err)
	}
	store, err := tokenStore(o)
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		return authList(store, stdout)
	case "show":
		return authShow(store, name, stdout)
	case "logout":
		if err := store.Delete(name); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Deleted the tokens of %s. Revoke mailscript's access at the provider too if you no longer use it.\n", name)
		return nil
	}

	return loginWith(ctx, store, name, &l, stdout)
}

// loginFlags are the flags of auth login.
type loginFlags struct {
	provider, clientID, clientSecret, tenant, authURL, tokenURL, deviceURL string
	scopes                                                                 scopesFlag
	browser                                                                bool
}

// loginWith signs in under name and stores the tokens, starting from what
// is stored under name, if anything.
func loginWith(ctx context.Context, store *oauth2.Store, name string, l *loginFlags, stdout io.Writer) error {
	var prov oauth2.Provider
	var clientID, secret string
	if old, err := store.Load(name); err == nil {
		prov, clientID, secret = old.Provider, old.ClientID, old.Secrets.ClientSecret
	} else if info, _, err := store.LoadInfo(name); err == nil {
		prov, clientID = info.Provider, info.ClientID
	}
	switch {
	case l.provider == "generic" || l.provider == "" && (l.tokenURL != "" || l.authURL != "" || l.deviceURL != ""):
		prov = oauth2.Generic(l.authURL, l.tokenURL, l.deviceURL)
	case l.provider != "":
		if l.authURL != "" || l.tokenURL != "" || l.deviceURL != "" {
			return usagef("--auth-url, --token-url and --device-url are for --provider generic")
		}
		var err error
		if prov, err = oauth2.ProviderByName(l.provider, l.tenant); err != nil {
			return usagef("%v", err)
		}
	case prov.Name == "":
		return usagef("auth login %s: --provider is needed (google, microsoft or generic)", name)
	}
	if l.tenant != "" && prov.Name != "microsoft" {
		return usagef("--tenant is for --provider microsoft")
	}
	if len(l.scopes) > 0 {
		prov.Scopes = l.scopes
	}
	if l.clientID != "" {
		clientID = l.clientID
	}
	if l.clientSecret != "" {
		secret = l.clientSecret
	}
	if clientID == "" {
		return usagef("auth login %s: --client-id is needed: the ID of the OAuth2 application registered with %s", name, prov.Name)
	}
	if err := prov.Check(); err != nil {
		return usagef("%v", err)
	}
	lg := &oauth2.Login{Name: name, Provider: prov, ClientID: clientID, ClientSecret: secret, Client: authClient}
	rec, err := signIn(ctx, lg, l.browser, stdout)
	if err != nil {
		return err
	}
	if err := store.Save(rec); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Signed in: %s is saved in %s\n", name, store.Path(name))
	fmt.Fprintf(stdout, "Use it with oauth2 = %q in mail.account, or oauth2=%s in an account URL.\n", name, name)
	return nil
}

// signIn runs the browser flow (asked for, or the only one the provider
// allows for mail) or the device flow.
func signIn(ctx context.Context, lg *oauth2.Login, askBrowser bool, stdout io.Writer) (*oauth2.Record, error) {
	prov := lg.Provider
	browser := askBrowser || prov.DeviceURL == "" || prov.NoDeviceMail
	var rec *oauth2.Record
	var err error
	if browser {
		if !askBrowser {
			fmt.Fprintf(stdout, "%s sign-in uses the browser flow.\n", prov.Name)
		}
		rec, err = oauth2.BrowserLogin(ctx, lg, func(u string) {
			fmt.Fprintf(stdout, "Open this URL in a browser on this machine and sign in:\n\n  %s\n\nWaiting for the sign-in...\n", u)
			openBrowser(u)
		})
	} else {
		rec, err = oauth2.DeviceLogin(ctx, lg, func(p oauth2.DevicePrompt) {
			fmt.Fprintf(stdout, "To sign in, open %s and enter the code %s\n", p.URL, p.Code)
			if !p.Expires.IsZero() {
				fmt.Fprintf(stdout, "(the code works until %s). Waiting for the sign-in...\n", p.Expires.Format(time.TimeOnly))
			}
		})
	}
	return rec, err
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(time.DateTime)
}

func authList(store *oauth2.Store, stdout io.Writer) error {
	names, err := store.Names()
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Fprintf(stdout, "no sign-ins in %s\n", store.Dir())
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPROVIDER\tACCESS TOKEN EXPIRES\tREFRESH TOKEN LAST USED")
	for _, n := range names {
		rec, _, err := store.LoadInfo(n)
		if err != nil {
			fmt.Fprintf(tw, "%s\t(%v)\t\t\n", n, err)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n, rec.Provider.Name, when(rec.Expiry), when(rec.RefreshUsed))
	}
	return tw.Flush()
}

func authShow(store *oauth2.Store, name string, stdout io.Writer) error {
	rec, sealed, err := store.LoadInfo(name)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("name", name)
	row("file", store.Path(name))
	row("provider", rec.Provider.Name)
	row("client id", rec.ClientID)
	row("scopes", strings.Join(rec.Scopes, " "))
	row("token url", rec.TokenURL)
	row("signed in", when(rec.SignedIn))
	row("access token expires", when(rec.Expiry))
	row("refresh token last used", when(rec.RefreshUsed))
	row("refresh token rotations", fmt.Sprint(rec.Rotations))
	switch {
	case sealed:
		row("tokens", "encrypted with "+oauth2.KeyEnv)
	case rec.Secrets.RefreshToken != "":
		row("tokens", "stored (set "+oauth2.KeyEnv+" to encrypt them)")
	default:
		row("tokens", "no refresh token")
	}
	return tw.Flush()
}

// authStatus is the state of the sign-ins this process uses, for the
// status file.
func authStatus() []oauth2.Status {
	var out []oauth2.Status
	for _, s := range oauth2.SharedSources() {
		out = append(out, s.Status())
	}
	return out
}

// printAuthStatus writes the sign-ins' states for "mailscript status".
func printAuthStatus(w io.Writer, l []oauth2.Status) {
	for _, st := range l {
		switch st.State {
		case "ok":
			fmt.Fprintf(w, "sign-in %s: ok (access token until %s)\n", st.Name, when(st.Expiry))
		case "sign-in needed":
			fmt.Fprintf(w, "sign-in %s: SIGN-IN NEEDED, run: %s\n", st.Name, st.Command)
		default:
			fmt.Fprintf(w, "sign-in %s: %s: %s\n", st.Name, st.State, st.Error)
		}
	}
}
