#pragma once
// The FTP server side: the model server (ftp_model.hpp) over a virtual file tree
// ([server.model], ftp_config.hpp); scripts drive data connections with the data_* step keys.

#include "fakeservers/engine/dialect.hpp"

namespace ph::fakeservers::ftp {

// The FTP dialect (the `dialect` column of its row in harness/protocols.cpp).
const dialect& server();

}  // namespace ph::fakeservers::ftp
