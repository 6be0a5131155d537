# Turns a text file into a C++ source defining `const std::string_view <SYMBOL>` in namespace
# ph::reports::resources, so a page's HTML, CSS and JS live in their own files but ship
# inside the binary. Run as: cmake -DIN=file -DOUT=file.cpp -DSYMBOL=name -P embed_resource.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
# Sixteen bytes per line: readable if anyone opens it, and no line a compiler minds.
string(REGEX REPLACE "([0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])" "\\1\n" hex "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}.tmp"
"// Generated from ${IN} by cmake/embed_resource.cmake. Do not edit.\n"
"#include <string_view>\n\n"
"namespace ph::reports::resources {\n"
"namespace {\n"
"constexpr unsigned char bytes[] = {\n${bytes}0x00};\n"
"}  // namespace\n"
"extern const std::string_view ${SYMBOL};\n"
"const std::string_view ${SYMBOL}(reinterpret_cast<const char*>(bytes), ${size});\n"
"}  // namespace ph::reports::resources\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
