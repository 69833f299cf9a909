/* starttls.h - the SMTP, IMAP and POP3 dialogues that lead to TLS. */
#ifndef TRUSTFIX_STARTTLS_H
#define TRUSTFIX_STARTTLS_H

#include "sock.h"
#include "target.h"

/*
 * Speak proto's plain-text dialogue on c up to the point where the
 * server expects a TLS ClientHello.  Protocols with implicit TLS need
 * nothing.  Returns 0, or -1 with c's error set.
 */
int	starttls_run(struct conn *c, enum target_proto proto);

#endif
