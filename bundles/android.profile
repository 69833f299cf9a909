# android.profile - Android: each root as a DER .crt file
#
# Format: see trustfix-bundle(1), section "DEVICE PROFILES".
name = android
title = Android phones and tablets
output = der .crt

[instructions]
Files in this folder:
  @FILES@

Install each root:

1. Copy the .crt file to the device (USB cable, e-mail, a download); it
   lands in Downloads. The device needs a screen lock (PIN, pattern or
   password); Android asks for one if there is none.
2. Open Settings > Security (or Security & privacy) > More security
   settings > Encryption & credentials > Install a certificate >
   CA certificate. Tap "Install anyway", pick the .crt file, and confirm
   with the screen lock. (The menu names vary between vendors: search
   Settings for "CA certificate".)
3. Check: Encryption & credentials > Trusted credentials > User lists the
   root.

Caveat: apps that target Android 7.0 (API level 24) or newer ignore
user-installed CA certificates unless the app opts in with a network
security configuration (<certificates src="user"/>). Chrome accepts them;
many other apps, including some mail apps, do not. For such apps, deploy
the root through your mobile device management (work profile), ask the
app's vendor, or give the server a certificate from a public CA.

Fingerprints: Settings > Security > Encryption & credentials > Trusted
credentials > User > tap the root. Android shows "SHA-256 fingerprint"
and "SHA-1 fingerprint" as uppercase pairs with colons: compare them with
the second line of SHA-256 and SHA-1 below.
