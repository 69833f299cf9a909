# java.profile - Java: a PKCS#12 truststore with each root a trusted entry
#
# Format: see trustfix-bundle(1), section "DEVICE PROFILES".
name = java
title = Java applications
output = truststore truststore.p12

[instructions]
Files in this folder:
  @FILES@

truststore.p12 is a PKCS#12 truststore in which each root below is a
trusted certificate entry. Its password is @STORE_PASSWORD@ (where this
reads PASSWORD, use the password chosen for this bundle). It needs
Java 8u301, 11.0.12, 17 or newer.

Check it:

    keytool -list -keystore truststore.p12 -storetype PKCS12 \
        -storepass @STORE_PASSWORD@

lists each root as "trustedCertEntry".

Trust the roots in every application of one Java installation, by adding
them to its cacerts (the default password of cacerts is changeit):

    keytool -importkeystore -srckeystore truststore.p12 \
        -srcstoretype PKCS12 -srcstorepass @STORE_PASSWORD@ \
        -destkeystore "$JAVA_HOME/lib/security/cacerts" \
        -deststorepass changeit

(Java 8: $JAVA_HOME/jre/lib/security/cacerts. On Debian and Ubuntu, the
root imported into the system store, see the linux folder, reaches
/etc/ssl/certs/java/cacerts by itself.)

Or for one application only, in place of Java's default roots (public
sites are then no longer trusted by it):

    java -Djavax.net.ssl.trustStore=truststore.p12 \
        -Djavax.net.ssl.trustStoreType=PKCS12 \
        -Djavax.net.ssl.trustStorePassword=@STORE_PASSWORD@ -jar app.jar

Fingerprints: keytool -list -v -keystore truststore.p12 -storetype PKCS12
-storepass @STORE_PASSWORD@ prints "SHA1:" and "SHA256:" for each entry as
uppercase pairs with colons: compare them with the second line of SHA-256
and SHA-1 below.
