/* facts.c - what one certificate says: names, validity, key, extensions. */
