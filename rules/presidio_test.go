package rules

import (
	"strings"
	"testing"
)

// presidioCases are identifier cases in the style of Microsoft Presidio's
// US recognizers (presidio-analyzer/tests/test_us_*.py, test_credit_card*,
// test_ip*, test_mac*, test_dea*, test_aba*, test_iban*, test_uk_nhs*): most are their test strings,
// bare or with the context words their recognizers read, plus sentences a
// clinician might paste. want is the identifier type a finding must have
// over the value (the text after "|" in text, or all of it); "" means no
// identifier finding may cover it. Presidio scores some bare numbers (a
// lone 9-digit SSN or routing number, a lone H12234567 licence) as weak
// matches; Discreet asks for a cue there, so those cases are expected to
// fail and count against the pass rate.
var presidioCases = []struct {
	text string
	want Identifier
}{
	// US_SSN (us_ssn_recognizer.py)
	{"078-05-1123", IDSSN},
	{"078.05.1123", IDSSN},
	{"078 05 1123", IDSSN},
	{"SSN: |078051121", IDSSN},
	{"my social security number is |536-90-4399", IDSSN},
	{"078051121", IDSSN}, // weak in Presidio; Discreet needs a cue
	{"0780511201", ""},
	{"078051120", ""},
	{"000000000", ""},
	{"666000000", ""},
	{"078-05-0000", ""},
	{"078 00 1123", ""},
	{"693-09.4444", ""},
	// IBAN_CODE (iban_recognizer.py): the check (mod 97) decides, no cue.
	{"GB82 WEST 1234 5698 7654 32", IDAccount},
	{"GB82WEST12345698765432", IDAccount},
	{"refund to |DE89 3704 0044 0532 0130 00 today", IDAccount},
	{"FR14 2004 1010 0505 0001 3M02 606", IDAccount},
	{"GB82 WEST 1234 5698 7654 33", ""},
	// UK_NHS (uk_nhs_recognizer.py): the mod-11 check, after its cue.
	{"NHS number |401-023-2137", IDHealthPlan},
	{"her NHS no |221 395 1837", IDHealthPlan},
	{"NHS |0032698674", IDHealthPlan},
	{"NHS number |401-023-2138", IDPhone}, // fails the check: read as the phone number it is shaped like
	// US_ITIN (us_itin_recognizer.py)
	{"911-70-1234", IDSSN},
	{"my taxpayer id |911701234", IDSSN},
	{"911-89-1234", ""},
	{"my taxpayer id |911-89-1234", ""},
	// CREDIT_CARD (credit_card_recognizer.py)
	{"4012888888881881", IDAccount},
	{"4012-8888-8888-1881", IDAccount},
	{"4012 8888 8888 1881", IDAccount},
	{"122000000000003", IDAccount},
	{"my credit card: |122000000000003", IDAccount},
	{"371449635398431", IDAccount},
	{"5555555555554444", IDAccount},
	{"5019717010103742", IDAccount},
	{"30569309025904", IDAccount},
	{"6011000400000000", IDAccount},
	{"3528000700000000", IDAccount},
	{"6759649826438453", IDAccount},
	{"4111111111111111", IDAccount},
	{"4917300800000000", IDAccount},
	{"4484070000000000", IDAccount},
	{"4012-8888-8888-1882", ""},
	{"my credit card number is |4012-8888-8888-1882", ""},
	{"36168002586008", ""},
	// ABA_ROUTING_NUMBER (aba_routing_recognizer.py)
	{"121000358", IDAccount}, // bare: Discreet needs a cue
	{"3222-7162-7", IDAccount},
	{"routing number |121042882", IDAccount},
	{"0711-0130-7", IDAccount},
	{"421042111", ""},
	{"1234-0000-0", ""},
	// US_BANK_NUMBER (us_bank_recognizer.py)
	{"bank account |945456787654", IDAccount},
	{"my checking account number is |000123456789", IDAccount},
	// US_DRIVER_LICENSE (us_driver_license_recognizer.py)
	{"H12234567", IDLicense}, // bare: Discreet needs a cue
	{"driver license |H12234567", IDLicense},
	{"DL# |123456789", IDLicense},
	{"driver's license number is |D1234567", IDLicense},
	{"C12T345672", ""},
	{"ABCDEFG ABCDEFGH ABCDEFGHI", ""},
	// US_PASSPORT (us_passport_recognizer.py)
	{"passport |912803456", IDLicense},
	{"my passport number is |A12345678", IDLicense},
	// US_NPI (us_npi_recognizer.py)
	{"1234567893", IDLicense},
	{"1245319599", IDLicense},
	{"1003000126", IDLicense},
	{"1234-567-893", IDLicense},
	{"1234 567 893", IDLicense},
	{"NPI: |1234567893", IDLicense},
	{"Provider identifier |1245319599", IDLicense},
	{"0234567893", ""},
	{"3234567893", ""},
	{"1111111112", ""},
	{"1234567890", ""},
	// MEDICAL_LICENSE / DEA (medical_license_recognizer.py, test_dea_number_recognizer.py)
	{"BE1234563", IDLicense},
	{"Gn2494932", IDLicense},
	{"Gz1234563", IDLicense},
	{"cA3561105", ""},
	{"Nu2494932", ""},
	// US_MBI (us_mbi_recognizer.py)
	{"1EG4-TE5-MK73", IDHealthPlan},
	{"1EG4TE5MK73", IDHealthPlan},
	{"Medicare number |1EG4-TE5-MK73", IDHealthPlan},
	{"1SG4-TE5-MK73", ""},
	// US_CLIA (us_clia_recognizer.py)
	{"CLIA |11D2030122", IDLicense},
	{"11D0000000", ""},
	// IP_ADDRESS (ip_recognizer.py)
	{"192.168.0.1", IDIP},
	{"2001:0db8:85a3:0000:0000:8a2e:0370:7334", IDIP},
	{"2001:db8::8a2e:370:7334", IDIP},
	{"fe80::1", IDIP},
	{"::ffff:192.0.2.128", IDIP},
	{"3:16", ""},
	{"10:30:45", ""},
	// MAC_ADDRESS (mac_recognizer.py)
	{"My MAC address is |00:1A:2B:3C:4D:5E", IDDevice},
	{"Device MAC: |AA:BB:CC:DD:EE:FF", IDDevice},
	{"MAC: |01:23:45:67:89:AB", IDDevice},
	{"My MAC address is |00-1A-2B-3C-4D-5E", IDDevice},
	{"Hardware address: |AA-BB-CC-DD-EE-FF", IDDevice},
	{"Cisco MAC: |0012.3456.789A", IDDevice},
	{"Physical address is |aabb.ccdd.eeff", IDDevice},
	{"Not a MAC: |00:1A:2B:3C:4D", ""},
	{"Invalid: |ZZ:ZZ:ZZ:ZZ:ZZ:ZZ", ""},
	{"Broadcast: |FF:FF:FF:FF:FF:FF", ""},
	// IMEI (imei_recognizer.py)
	{"IMEI |35-209900-176148-1", IDDevice},
	// PHONE_NUMBER, EMAIL_ADDRESS, URL (phone, email and url recognizers)
	{"(212) 555-1234", IDPhone},
	{"my number is |212-555-1234", IDPhone},
	{"info@presidio.site", IDEmail},
	{"https://www.microsoft.com/", IDURL},
	// VIN (vin_recognizer.py)
	{"1HGCM82633A004352", IDVehicle},
	// Sentences a clinician might paste, and benign numbers that must stay quiet.
	{"Left her card on the desk: |4111 1111 1111 1111", IDAccount},
	{"found his SS card, |219-09-9999 is on it", IDSSN},
	{"BP |120/80, HR 72", ""},
	{"Vaccine lot |123-45-6789 recalled", ""},
	{"Copay is |$1250.00 now", ""},
	{"Class of |2019-2020", ""},
	// SSN-shaped numbers in ranges the SSA never issues (000, 666, 9xx):
	// named or among a record's details they are SSNs; bare, labelled as
	// something else or a placeholder, they are not.
	{"Name, DOB, |666.20.4417, everything", IDSSN},
	{"keyed the SSN as 900-41-7763 instead of |900-47-1763", IDSSN},
	{"pt Devon R. |666224871 dob 7/2/91", IDSSN},
	{"Name: Delroy Pettiford\nDOB 03/14/1957\n|666307215\nmember ID WQH582014467", IDSSN},
	{"social is 666203318 not |666203381", IDSSN},
	{"|912 44 1087 in the phone field", ""},
	{"Order |912-44-1087 shipped", IDOther},
	{"training charts use numbers like |000-12-3456", ""},
	{"the training chart shows |900123456 as the number", ""},
	// Licence numbers after their cue in the shapes Presidio's US-only
	// recognizers leave out.
	{"forgot her passport |AB482019 on our desk", IDLicense},
	{"passport no. |X4471920 plus her Rx history", IDLicense},
	{"passport |19FR48823 on the intake form", IDLicense},
	{"passport |AB1234 photo", ""},
	{"his DEA is |AP4417283", IDLicense},
	{"|BW4417298 on the pad", ""},
	{"NPI |1487306655 on the fax", IDLicense},
	{"|1487306655 steps this year", ""},
	{"licencia |D442-1180-9932", IDLicense},
	{"Room 4 door code |D442-778-10093", ""},
	{"licencia número |TR-20931", IDLicense},
}

// markedSpan reads a case written with its value marked: the value starts
// at '|' (or at the start when there is none) and ends at '^' (or at the
// end). It returns the text without the marks and the value's bytes.
func markedSpan(marked string) (text string, start, end int) {
	text = marked
	if k := strings.IndexByte(text, '|'); k >= 0 {
		text, start = text[:k]+text[k+1:], k
	}
	end = len(text)
	if k := strings.IndexByte(text, '^'); k >= 0 {
		text, end = text[:k]+text[k+1:], k
	}
	return text, start, end
}

func TestPresidioCases(t *testing.T) {
	e, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	pass := 0
	for _, c := range presidioCases {
		text, off, end := markedSpan(c.text)
		got := Identifier("")
		for _, f := range e.Scan(text).Findings {
			if f.Identifier != "" && f.Start < end && f.End > off {
				if got == "" || f.Identifier == c.want {
					got = f.Identifier
				}
			}
		}
		if got == c.want {
			pass++
		} else {
			t.Logf("%q: got identifier %q, want %q", c.text, got, c.want)
		}
	}
	rate := float64(pass) / float64(len(presidioCases))
	t.Logf("Presidio-style cases: %d of %d (%.1f%%) with the right type", pass, len(presidioCases), 100*rate)
	if rate < 0.85 {
		t.Errorf("Presidio-style cases found with the right type: %.1f%%, want at least 85%%", 100*rate)
	}
}

// FuzzIdentifiers checks what the checksum detectors promise, on any text:
// a card finding covers 13 to 19 digits that pass the Luhn check (or 16,
// printed with an expiry after them), an IPv6
// finding parses as one, and an ITIN or SSN found without a cue has 9
// digits.
func FuzzIdentifiers(f *testing.F) {
	for _, c := range presidioCases {
		f.Add(strings.Replace(c.text, "|", "", 1))
	}
	e, err := Compile(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, fd := range e.Scan(text).Findings {
			span := text[fd.Start:fd.End]
			var d []byte
			for i := 0; i < len(span); i++ {
				if span[i] >= '0' && span[i] <= '9' {
					d = append(d, span[i])
				}
			}
			switch {
			case fd.Rule == "privacy.card":
				// A card fails its check only when printed in fours with an
				// expiry after it.
				after := strings.TrimLeft(text[fd.End:], " ,:;(")
				word, _, _ := strings.Cut(after+" ", " ")
				w := strings.TrimRight(word, ":.,")
				expiry := len(d) == 16 && e.b.cue.cardExpiry.may(w) && e.b.cue.cardExpiry.match(w)
				if len(d) < 13 || len(d) > 19 || !luhn(string(d)) && !expiry {
					t.Fatalf("card finding %q: %d digits, Luhn %v", span, len(d), luhn(string(d)))
				}
			case fd.Rule == "privacy.ip" && strings.Contains(span, ":"):
				if !isIPv6(span) {
					t.Fatalf("IPv6 finding %q does not parse", span)
				}
			case fd.Rule == "privacy.ssn":
				if len(d) != 9 {
					t.Fatalf("SSN finding %q has %d digits", span, len(d))
				}
			}
		}
	})
}
