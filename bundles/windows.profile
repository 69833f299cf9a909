# windows.profile - Windows: each root as a DER .cer, and all in one .p7b
#
# Format: see trustfix-bundle(1), section "DEVICE PROFILES".
name = windows
title = Windows PCs
output = der .cer
output = p7b roots.p7b

[instructions]
Files in this folder:
  @FILES@

roots.p7b holds every root of this bundle; each .cer holds one.
Install into the computer's Trusted Root Certification Authorities store
(programs running as services, .NET applications and browsers all use it).
Any one of these, as an administrator:

- Certificate manager: run certlm.msc (certmgr.msc is the current user's
  store only), open Trusted Root Certification Authorities >
  Certificates, right-click > All Tasks > Import, and choose roots.p7b.
  Or double-click a .cer file > Install Certificate > Local Machine >
  "Place all certificates in the following store" > Trusted Root
  Certification Authorities.

- Command prompt:

    certutil -addstore Root FILE.cer

- PowerShell:

    Import-Certificate -FilePath .\FILE.cer `
        -CertStoreLocation Cert:\LocalMachine\Root

- Group Policy, for every computer of a domain: Group Policy Management >
  edit a GPO linked to the computers > Computer Configuration > Policies >
  Windows Settings > Security Settings > Public Key Policies > Trusted
  Root Certification Authorities > right-click > Import, choose
  roots.p7b. Computers apply it at the next refresh (gpupdate /force).

A certificate marked "intermediate CA" below belongs in Intermediate
Certification Authorities instead (certutil -addstore CA FILE.cer, or
Cert:\LocalMachine\CA).

Check and compare fingerprints like with like. Windows' "Thumbprint" is
the SHA-1 below (uppercase, without colons):

    Get-ChildItem Cert:\LocalMachine\Root | Format-List Subject, Thumbprint

lists each installed root with its Thumbprint: compare it with SHA-1
below. Before installing, certutil -hashfile FILE.cer SHA256 prints the
SHA-256 of a file (compare it with SHA-256 below), and
certutil -hashfile FILE.cer SHA1 its SHA-1 (compare it with SHA-1 below).
The certificate dialog (double-click a .cer > Details > Thumbprint) also
shows the SHA-1.
