package httpapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"go.yaml.in/yaml/v3"
)

// OpenAPIDocument is the name, under BasePath, of the OpenAPI 3.1
// document of this API. It is public, like micro.ping.
const OpenAPIDocument = "openapi.json"

// openAPIYAML is written by hand, in YAML for its comments and anchors.
// Tests keep it honest: its paths against the registered methods, and
// every request and answer of the end-to-end suites against its schemas.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPI returns the OpenAPI document, as JSON, as it is served.
func OpenAPI() []byte { return openAPIJSON() }

var openAPIJSON = sync.OnceValue(func() []byte {
	var doc any
	if err := yaml.Unmarshal(openAPIYAML, &doc); err != nil {
		panic("httpapi: openapi.yaml: " + err.Error())
	}
	b, err := json.Marshal(jsonValue(doc))
	if err != nil {
		panic("httpapi: openapi.yaml: " + err.Error())
	}
	return b
})

// jsonValue turns what the YAML decoder produced into values encoding/json
// takes: mappings with keys that are not strings (a status code written
// unquoted) become mappings with string keys.
func jsonValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = jsonValue(e)
		}
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[fmt.Sprint(k)] = jsonValue(e)
		}
		return m
	case []any:
		for i, e := range v {
			v[i] = jsonValue(e)
		}
	}
	return v
}

func (rt *router) serveOpenAPI(c *gin.Context, info *requestInfo) {
	info.method = OpenAPIDocument
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPIJSON())
}
