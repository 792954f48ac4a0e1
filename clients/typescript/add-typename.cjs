// Codegen document transform (codegen.yml): adds __typename to every selection set but an operation's root,
// exactly as Apollo Client does before it sends an operation, so that the trusted documents the server
// runs return what Apollo Client's cache reads. YAML cannot hold a function, hence this file.
const { Kind, visit } = require('graphql');

const TYPENAME = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

function addTypename(document) {
  return visit(document, {
    SelectionSet(node, _key, parent) {
      if (parent && !Array.isArray(parent) && parent.kind === Kind.OPERATION_DEFINITION) return undefined;
      const has = node.selections.some(
        (selection) => selection.kind === Kind.FIELD && selection.name.value === '__typename',
      );
      return has ? undefined : { ...node, selections: [TYPENAME, ...node.selections] };
    },
  });
}

module.exports = {
  transform: ({ documents }) =>
    documents.map((file) => (file.document ? { ...file, document: addTypename(file.document) } : file)),
};
