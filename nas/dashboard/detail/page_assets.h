#pragma once

// Files embedded into the binary at configure time (nas/CMakeLists.txt
// generates their definitions from the files named here), so the dashboard
// needs nothing from the source tree or the network at run time.
namespace pinas::nas::detail {

// nas/dashboard/page/dashboard.html
extern const char* const kDashboardHtml;
// nas/dashboard/page/dashboard.css
extern const char* const kDashboardCss;
// nas/dashboard/page/dashboard.js
extern const char* const kDashboardScript;
// experiments/reference_fronts/published.json
extern const char* const kPublishedReferencePoints;

}  // namespace pinas::nas::detail
