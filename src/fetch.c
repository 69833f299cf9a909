/* fetch.c - TCP with deadlines, STARTTLS dialogues, TLS handshake. */
