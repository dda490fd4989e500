#include "yaml_guard.hpp"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>
#include <vector>

namespace rsolv::config::detail {

std::string at(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

ConfigError syntax_error(const std::string& file, const YAML::Exception& error) {
  const std::string message = error.msg.empty() ? "invalid YAML" : error.msg;
  return ConfigError(at(file, error.mark) + ": " + message + " (fix the YAML syntax)");
}

namespace {

// Counts, per document, the nodes of the tree as its walkers see it: an alias counts as the whole
// subtree of its anchor. yaml-cpp builds aliases as shared nodes, so the tree itself stays small,
// but every walk (JSON conversion, key checks, the scenario parser) pays the expanded size.
class LimitChecker final : public YAML::EventHandler {
 public:
  LimitChecker(std::string_view text, const std::string& file, const YamlLimits& limits)
      : text_(text), file_(file), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_ > 0 && mark.pos == document_start_.pos) no_progress(mark);
    if (documents_ >= limits_.max_documents) {
      fail(mark, "more than " + std::to_string(limits_.max_documents) + " YAML documents (limit " +
                     std::to_string(limits_.max_documents) + "; a configuration file holds one)");
    }
    document_start_ = mark;
    subtree_sizes_.clear();  // anchors are numbered per document
    ++documents_;
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { leaf(anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    content(mark);
    leaf(anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    content(mark);
    // yaml-cpp registers an anchor when its collection starts, so an alias inside that collection
    // makes the tree a cycle: every walk of it recurses until the stack overflows.
    for (const auto& open : open_) {
      if (open.anchor == anchor) {
        fail(mark, "this alias refers to a mapping or list that contains it (a cycle; alias a node defined before it)");
      }
    }
    const auto found = subtree_sizes_.find(anchor);
    const Subtree subtree = found == subtree_sizes_.end() ? Subtree{1, 0} : found->second;
    // Walkers see the alias as a copy of its anchor's subtree, nested where the alias stands.
    if (open_.size() + subtree.height > limits_.max_depth) {
      fail(mark, "nested more than " + std::to_string(limits_.max_depth) + " levels deep through this alias (limit " +
                     std::to_string(limits_.max_depth) + ")");
    }
    const std::uint64_t size = subtree.size;
    alias_nodes_ += size;
    if (alias_nodes_ > limits_.max_alias_nodes) {
      fail(mark, "more than " + std::to_string(limits_.max_alias_nodes) + " nodes through aliases (limit " +
                     std::to_string(limits_.max_alias_nodes) +
                     "; each *alias repeats its anchor's whole subtree: write the values out or alias less)");
    }
    add_to_parent({size, subtree.height});
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  // A node as walkers see it, aliases expanded: how many nodes, how many collection levels.
  struct Subtree {
    std::uint64_t size;
    std::size_t height;  // 0 for a scalar, 1 for a collection of scalars
  };
  struct Open {
    YAML::anchor_t anchor;
    Subtree subtree;
  };

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& what) const { throw ConfigError(at(file_, mark) + ": " + what); }

  // Everything after the first document must be empty (a configuration file holds one).
  void content(const YAML::Mark& mark) const {
    if (documents_ <= 1) return;
    fail(mark,
         "a second YAML document starts here (a configuration file holds one; remove the '---' or check the "
         "indentation)");
  }

  // yaml-cpp 0.7 hangs here: after a top-level value, a token that cannot start a document (a ','
  // after any node, or a '?' key line after an anchored or tagged scalar: the shapes a fuzz run
  // found) makes it start an empty document at the same place, forever, allocating as it goes.
  // Whatever the token, two documents starting at one place means no progress.
  [[noreturn]] void no_progress(const YAML::Mark& mark) const {
    const auto pos = static_cast<std::size_t>(mark.pos);
    const unsigned char c = pos < text_.size() ? static_cast<unsigned char>(text_[pos]) : 0;
    const std::string what = c > 0x20 && c < 0x7f ? "'" + std::string(1, static_cast<char>(c)) + "'" : "input";
    fail(mark, "unexpected " + what +
                   " after the end of the top-level value (yaml-cpp cannot parse past it; quote it, put it inside "
                   "[ ] or { }, or check the indentation)");
  }

  void leaf(YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) subtree_sizes_[anchor] = {1, 0};
    add_to_parent({1, 0});
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    content(mark);
    if (open_.size() >= limits_.max_depth) {
      fail(mark, "nested more than " + std::to_string(limits_.max_depth) + " levels deep (limit " +
                     std::to_string(limits_.max_depth) + ")");
    }
    open_.push_back({anchor, {1, 1}});
  }

  void close() {
    if (open_.empty()) return;
    const auto done = open_.back();
    open_.pop_back();
    if (done.anchor != YAML::NullAnchor) subtree_sizes_[done.anchor] = done.subtree;
    add_to_parent(done.subtree);
  }

  void add_to_parent(const Subtree& child) {
    if (open_.empty()) return;
    auto& parent = open_.back().subtree;
    parent.size += child.size;
    parent.height = std::max(parent.height, child.height + 1);
  }

  std::string_view text_;
  const std::string& file_;
  const YamlLimits& limits_;
  std::size_t documents_ = 0;
  YAML::Mark document_start_;
  std::uint64_t alias_nodes_ = 0;
  std::vector<Open> open_;
  std::map<YAML::anchor_t, Subtree> subtree_sizes_;
};

}  // namespace

void check_yaml_limits(std::string_view text, const std::string& file, const YamlLimits& limits) {
  std::istringstream in{std::string(text)};
  LimitChecker checker(text, file, limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(checker)) {
    }
  } catch (const YAML::Exception& error) {
    throw syntax_error(file, error);
  }
}

}  // namespace rsolv::config::detail
