#include "nas/cli/command_registry.h"

#include <map>

namespace pinas::cli {
namespace {

std::multimap<std::string, CommandRegistration::Registrar>& registry() {
  // Function-local so registration order across translation units is safe.
  static std::multimap<std::string, CommandRegistration::Registrar> instance;
  return instance;
}

}  // namespace

CommandRegistration::CommandRegistration(const std::string& name, Registrar registrar) {
  registry().emplace(name, std::move(registrar));
}

void register_all_commands(CLI::App& app) {
  for (auto& [name, registrar] : registry()) registrar(app);
}

CLI::App* subcommand_group(CLI::App& parent, const std::string& name,
                           const std::string& description) {
  for (CLI::App* existing : parent.get_subcommands({})) {
    if (existing->get_name() == name) return existing;
  }
  CLI::App* group = parent.add_subcommand(name, description);
  group->require_subcommand(1);
  return group;
}

}  // namespace pinas::cli
