#pragma once
// SMTP scenario steps as ph::clients::smtp::client calls: the ops connect, ehlo/helo, starttls,
// login, mail, rcpt, data, send_message, sendmail, vrfy, docmd, noop, rset, quit and close.

#include "harness/driver.hpp"

namespace ph::harness::drivers {

// The `client_driver` column of SMTP's row in harness/protocols.cpp.
extern const driver smtp_driver;

}  // namespace ph::harness::drivers
