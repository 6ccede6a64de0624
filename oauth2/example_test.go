package oauth2_test

import (
	"fmt"

	"github.com/mailscript/mailscript/oauth2"
)

func ExampleMicrosoft() {
	p := oauth2.Microsoft("example.com")
	fmt.Println(p.DeviceURL)
	fmt.Println(p.Scopes)
	// Output:
	// https://login.microsoftonline.com/example.com/oauth2/v2.0/devicecode
	// [https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access]
}

func ExampleProviderByName() {
	p, err := oauth2.ProviderByName("google", "")
	fmt.Println(p.Name, p.Scopes, err)
	_, err = oauth2.ProviderByName("yahoo", "")
	fmt.Println(err)
	// Output:
	// google [https://mail.google.com/] <nil>
	// oauth2: unknown provider "yahoo" (google, microsoft or generic)
}
