package bench

import (
	"bufio"
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Dovecot (2.3, always; no setting turns it on or off) ends the text of a
// tagged reply with the time the command took in the server, as "(0.093 +
// 0.000 + 0.092 secs)" or "(0.001 + 0.000 secs)": the first figure is the
// time the command spent running, the second the time it waited in the
// server's I/O loop (for the client to send more or to read the output),
// the third, when there is one, the time since it last ran. serverTimes
// reads the first figures off a protocol trace, so a benchmark can set a
// client's time beside the server's own work.

var (
	// timingRE finds the timing at the end of a tagged reply.
	timingRE = regexp.MustCompile(`\((\d+)\.(\d{3}) \+ \d+\.\d{3}(?: \+ \d+\.\d{3})? secs\)\.?\s*$`)
	// commandRE finds a command line's tag and verb (after UID).
	commandRE = regexp.MustCompile(`^([!#-'*-\[\]-z|~]+) (?i:UID )?([A-Za-z]+)`)
)

// serverTimes returns, for each command verb of one connection (FETCH,
// MOVE, SEARCH... in upper case, "UID" dropped), the sum of the times the
// server reported in the tagged replies; client and server are the bytes
// each side sent. Lines that are no command or no timed tagged reply are
// ignored.
func serverTimes(client, server []byte) map[string]time.Duration {
	verbs := map[string]string{} // tag -> verb
	sc := bufio.NewScanner(bytes.NewReader(client))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if m := commandRE.FindStringSubmatch(sc.Text()); m != nil {
			verbs[m[1]] = strings.ToUpper(m[2])
		}
	}
	out := map[string]time.Duration{}
	sc = bufio.NewScanner(bytes.NewReader(server))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		line := sc.Text()
		tag, rest, ok := strings.Cut(line, " ")
		verb, known := verbs[tag]
		if !ok || !known || !strings.HasPrefix(rest, "OK ") {
			continue
		}
		m := timingRE.FindStringSubmatch(rest)
		if m == nil {
			continue
		}
		secs, _ := strconv.Atoi(m[1])
		ms, _ := strconv.Atoi(m[2])
		out[verb] += time.Duration(secs)*time.Second + time.Duration(ms)*time.Millisecond
	}
	return out
}

// pairedRatios returns a[i]/b[i] for the rounds both ran, sorted: the
// runs of an A/B alternate round by round, and the machine's pace drifts
// more between rounds than within one, so the ratio of each round's pair
// says more than the ratio of the two medians.
func pairedRatios(a, b []time.Duration) []float64 {
	n := min(len(a), len(b))
	out := make([]float64, 0, n)
	for i := range n {
		if b[i] > 0 {
			out = append(out, float64(a[i])/float64(b[i]))
		}
	}
	slices.Sort(out)
	return out
}
