// Package live reads what a customer workspace holds through the Embedded
// API and converts the API's answers into the plan's model (plan.Live and
// its parts). It owns the one folder walk that apply's reader, export and
// package pull share, with its protective limits: a hostile or broken
// server cannot make it list a path twice, loop, or grow without bound.
//
// It decides nothing: what to do with duplicate sibling folders, unnamable
// folders or a missing folder is its callers' business.
package live
