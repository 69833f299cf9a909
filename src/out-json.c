/* out-json.c - the JSON rendering of results. */
