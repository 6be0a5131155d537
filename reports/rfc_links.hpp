#pragma once
// Links from a rule's RFC citation to the RFC Editor's text of each section it names.

#include <string>
#include <string_view>
#include <vector>

namespace ph::reports {

struct rfc_ref {
  std::string text;  // a piece of the citation as written
  std::string url;   // its link, or "" for the text between references
};

// The citation cut into pieces that, concatenated, give `citation` back. "RFC N" becomes a
// link to https://www.rfc-editor.org/rfc/rfcN, "RFC N §x.y" one link to ...#section-x.y
// (an appendix letter gives #appendix-X), and a later "§x.y" a link into the last RFC named
// before it: "RFC 5321 §4.3.1; §3.1" gives two links into RFC 5321. A "§" before any RFC
// number, and text that names no RFC, stay plain.
std::vector<rfc_ref> rfc_links(std::string_view citation);

}  // namespace ph::reports
