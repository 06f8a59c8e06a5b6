/** A shell snippet that signs a JSON body with the secret (in `$SECRET`) and posts it to the hook. */
export function signingExample(url: string): string {
  return [
    `BODY='{"ref":"refs/heads/main"}'`,
    `SIG=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | sed 's/^.* //')`,
    `curl -X POST '${url}' -H 'content-type: application/json' \\`,
    `  -H "x-loom-signature: sha256=$SIG" -d "$BODY"`,
  ].join('\n');
}
