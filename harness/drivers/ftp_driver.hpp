#pragma once
// FTP scenario steps as ph::clients::ftp::client calls: the ops connect, login, feat, type, pwd,
// cwd, cdup, list, nlst, mlsd, retr, stor, appe, size, mdtm, mkd, rmd, rename, delete, abort, noop,
// quit and close, over the data channels [client_options] choose (passive, EPSV, TLS).

#include "harness/driver.hpp"

namespace ph::harness::drivers {

// The `client_driver` column of FTP's row in harness/protocols.cpp.
extern const driver ftp_driver;

}  // namespace ph::harness::drivers
