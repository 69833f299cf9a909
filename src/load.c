/* load.c - certificates from PEM, DER, PKCS#7, PKCS#12 and archives. */
