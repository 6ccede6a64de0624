package oauth2

import (
	"fmt"
	"net/url"
	"strings"
)

// Provider is where an OAuth 2.0 provider signs users in, and the scopes
// that give IMAP and SMTP access to their mail.
type Provider struct {
	// Name is "google", "microsoft" or "generic".
	Name string `json:"provider"`
	// AuthURL is the authorization endpoint (code flow), TokenURL the
	// token endpoint, DeviceURL the device authorization endpoint (RFC
	// 8628; empty when the provider has none).
	AuthURL   string `json:"auth_url,omitempty"`
	TokenURL  string `json:"token_url"`
	DeviceURL string `json:"device_url,omitempty"`
	// Scopes are asked for at sign-in.
	Scopes []string `json:"scopes,omitempty"`
	// NoDeviceMail is true when the provider's device flow refuses the
	// mail scopes (Google): sign-in then uses the browser flow.
	NoDeviceMail bool `json:"-"`
	// AuthParams are extra parameters of the authorization URL (Google
	// returns a refresh token only with access_type=offline, and again
	// for a user who consented before only with prompt=consent).
	AuthParams map[string]string `json:"-"`
}

// Google returns Google's endpoints with the Gmail scope (IMAP and SMTP).
// Google's device flow does not allow that scope, so sign-in uses the
// browser flow.
func Google() Provider {
	return Provider{
		Name:         "google",
		AuthURL:      "https://accounts.google.com/o/oauth2/auth",
		TokenURL:     "https://oauth2.googleapis.com/token",
		DeviceURL:    "https://oauth2.googleapis.com/device/code",
		Scopes:       []string{"https://mail.google.com/"},
		NoDeviceMail: true,
		AuthParams:   map[string]string{"access_type": "offline", "prompt": "consent"},
	}
}

// Microsoft returns the Microsoft identity platform's endpoints for tenant
// ("common" when empty; "organizations", "consumers", a domain or a tenant
// ID) with the Outlook IMAP and SMTP scopes and offline_access (which
// makes the provider return a refresh token).
func Microsoft(tenant string) Provider {
	if tenant == "" {
		tenant = "common"
	}
	base := "https://login.microsoftonline.com/" + url.PathEscape(tenant) + "/oauth2/v2.0/"
	return Provider{
		Name:      "microsoft",
		AuthURL:   base + "authorize",
		TokenURL:  base + "token",
		DeviceURL: base + "devicecode",
		Scopes: []string{
			"https://outlook.office.com/IMAP.AccessAsUser.All",
			"https://outlook.office.com/SMTP.Send",
			"offline_access",
		},
	}
}

// Generic returns a provider with the given endpoints and scopes; authURL
// or deviceURL may be empty when the provider lacks that flow.
func Generic(authURL, tokenURL, deviceURL string, scopes ...string) Provider {
	return Provider{Name: "generic", AuthURL: authURL, TokenURL: tokenURL, DeviceURL: deviceURL, Scopes: scopes}
}

// ProviderByName returns the preset called name ("google", "microsoft"
// with tenant); "generic" needs Generic.
func ProviderByName(name, tenant string) (Provider, error) {
	switch strings.ToLower(name) {
	case "google":
		if tenant != "" {
			return Provider{}, fmt.Errorf("oauth2: a tenant is for microsoft, not google")
		}
		return Google(), nil
	case "microsoft":
		return Microsoft(tenant), nil
	case "generic":
		return Provider{}, fmt.Errorf("oauth2: the generic provider needs its endpoints")
	}
	return Provider{}, fmt.Errorf("oauth2: unknown provider %q (google, microsoft or generic)", name)
}

// Check reports the first problem of p: a missing or malformed endpoint.
func (p *Provider) Check() error {
	if p.TokenURL == "" {
		return fmt.Errorf("oauth2: provider %s: no token URL", p.Name)
	}
	if p.AuthURL == "" && p.DeviceURL == "" {
		return fmt.Errorf("oauth2: provider %s: neither an authorization URL nor a device URL", p.Name)
	}
	for _, u := range []string{p.AuthURL, p.TokenURL, p.DeviceURL} {
		if u == "" {
			continue
		}
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
			return fmt.Errorf("oauth2: provider %s: %q is not an http(s) URL", p.Name, u)
		}
	}
	return nil
}

// restorePreset sets the fields a store file does not keep from the
// preset of the provider's name.
func (p *Provider) restorePreset() {
	if p.Name == "google" {
		g := Google()
		p.NoDeviceMail, p.AuthParams = g.NoDeviceMail, g.AuthParams
	}
}
