/* out-text.c - the text rendering of results; nothing else prints them. */
