// The one translation unit that compiles Asio's and Asio SSL's implementation
// (BOOST_ASIO_SEPARATE_COMPILATION): every other file includes only declarations.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
