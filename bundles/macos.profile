# macos.profile - Mac: a configuration profile, and each root as .cer
#
# Format: see trustfix-bundle(1), section "DEVICE PROFILES".
name = macos
title = Mac (macOS)
output = mobileconfig roots.mobileconfig
output = der .cer

[instructions]
Files in this folder:
  @FILES@

Install the profile (trusted by every user of the Mac):

1. Double-click roots.mobileconfig. macOS says the profile is ready for
   review. With an MDM service, push the profile from there instead.
2. Open System Settings > Privacy & Security > Profiles (macOS 12 and
   older: System Preferences > Profiles), double-click the profile, click
   Install and authenticate as an administrator.
3. Check: Keychain Access > System > Certificates lists each root below,
   and Safari or Mail opens the server without a warning.

Or without the profile, from Terminal, for each .cer file:

    sudo security add-trusted-cert -d -r trustRoot \
        -k /Library/Keychains/System.keychain FILE.cer

To remove the profile: System Settings > Privacy & Security > Profiles >
the profile > Remove.  Profile identifier: @IDENTIFIER@

Fingerprints: Keychain Access > System > Certificates > double-click the
root > Details shows "SHA-256" and "SHA-1" under Fingerprints as
uppercase pairs with spaces; from Terminal,
security find-certificate -a -Z -c "COMMON NAME" \
/Library/Keychains/System.keychain prints "SHA-256 hash:" and "SHA-1
hash:" in uppercase without separators. Compare them with SHA-256 and
SHA-1 below.
