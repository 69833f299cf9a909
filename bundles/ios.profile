# ios.profile - iPhone and iPad: a configuration profile, and each root as .cer
#
# Format: see trustfix-bundle(1), section "DEVICE PROFILES".
name = ios
title = iPhone and iPad (iOS, iPadOS)
output = mobileconfig roots.mobileconfig
output = der .cer

[instructions]
Files in this folder:
  @FILES@

Install the profile on the device:

1. Get roots.mobileconfig onto the device: e-mail it and tap the
   attachment in Mail, AirDrop it, or open it from a web page in Safari.
   With a mobile device management (MDM) service, push it from there
   instead; then step 3 is not needed.
2. Open Settings > General > VPN & Device Management (older versions:
   Settings > General > Profiles), tap the downloaded profile, tap
   Install and enter the device passcode.
3. iOS and iPadOS do not trust a root installed by hand for servers
   until you turn it on in
   Settings > General > About > Certificate Trust Settings:
   under "Enable full trust for root certificates", turn on each root
   listed below.
4. Check: open the mail account or the web site again. The certificate
   warning is gone.

The .cer files hold the same roots one by one (DER), for an MDM that asks
for a certificate rather than a profile.

To remove the roots: Settings > General > VPN & Device Management > the
profile > Remove Profile.  Profile identifier: @IDENTIFIER@

Fingerprints: Settings > General > VPN & Device Management > the profile >
More Details > the certificate shows "SHA-256" and "SHA-1" under
Fingerprints as uppercase pairs with spaces: compare them with the second
line of SHA-256 and SHA-1 below (colons there).
