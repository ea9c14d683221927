// Package pkgpull fetches a recipe package from a development workspace
// into a package directory in Git: it finds the folder (through
// internal/live's walker), runs export manifest, export, poll and download
// through the recipe lifecycle API, and unzips the package canonically,
// saying which files changed. It prints nothing: package main reports.
package pkgpull
