export { canonicalJson, contentHash, normalize } from './canonical';
export { readDefinitionFiles } from './files';
export { SemanticGraph, type ElementMatch, type JoinStep, type MeasureRef } from './graph';
export { DefinitionsError, formatIssue, type DefinitionIssue } from './issues';
export { loadDefinitions, type LoadOptions, type SourceFile } from './load';
export * from './types';
export { diffDefinitions, objectsOf, type FieldChange, type ObjectChange, type ObjectKind } from './diff';
export { Catalog, coarserOrEqual, type CatalogDimension } from './catalog';
