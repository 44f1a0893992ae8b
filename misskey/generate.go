package misskey

// endpoints_gen.go, permissions_list.go and wasm/misskey-api.d.ts are
// written from Misskey's OpenAPI document by internal/apigen.
//go:generate go run ./internal/apigen -root ..
