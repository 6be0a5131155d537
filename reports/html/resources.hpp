#pragma once
// The HTML view's files (reports/html/), embedded at build time by cmake/embed_resource.cmake.

#include <string_view>

namespace ph::reports::resources {

extern const std::string_view
    report_html;  // the page, with {{title}} {{style}} {{script}} {{data}}
extern const std::string_view report_css;
extern const std::string_view report_js;

}  // namespace ph::reports::resources
