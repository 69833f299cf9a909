# firefox.profile - Firefox: the roots and an enterprise policies.json
#
# Format: see trustfix-bundle(1), section "DEVICE PROFILES".
name = firefox
title = Firefox (Windows, macOS, Linux)
output = pem .crt
output = firefox-policies policies.json

[instructions]
Files in this folder:
  @FILES@

Firefox keeps its own list of roots. policies.json is an enterprise
policy that installs the .crt files of this folder for every profile:

1. Copy the .crt files to a folder where Firefox looks for them:
     Linux:   /usr/lib/mozilla/certificates/ or ~/.mozilla/certificates/
     Windows: %USERPROFILE%\AppData\Local\Mozilla\Certificates\ or
              %USERPROFILE%\AppData\Roaming\Mozilla\Certificates\
     macOS:   /Library/Application Support/Mozilla/Certificates/ or
              ~/Library/Application Support/Mozilla/Certificates/
2. Copy policies.json to:
     Linux:   /etc/firefox/policies/policies.json
     Windows: C:\Program Files\Mozilla Firefox\distribution\policies.json
     macOS:   Firefox.app/Contents/Resources/distribution/policies.json
   If a policies.json is there already, add the "Certificates" entry to
   it instead. With Group Policy or an MDM, set the same policy there.
3. Restart Firefox. about:policies shows Certificates as active, and
   Settings > Privacy & Security > Certificates > View Certificates >
   Authorities lists each root below.

On Windows and macOS, once the roots are in the system store (windows or
macos folder), Firefox can use the system's roots instead: the policy
"Certificates": {"ImportEnterpriseRoots": true}.

By hand, for one profile: Settings > Privacy & Security > View
Certificates > Authorities > Import, choose the .crt file and tick
"Trust this CA to identify websites".

Fingerprints: Settings > Privacy & Security > View Certificates >
Authorities > select the root > View. Firefox shows "SHA-256" and "SHA-1"
under Fingerprints as uppercase pairs with colons: compare them with the
second line of SHA-256 and SHA-1 below.
