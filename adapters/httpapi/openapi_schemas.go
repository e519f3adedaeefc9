package httpapi

import (
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"github.com/microbase-io/customer-service/adapters/jsonview"
	"github.com/microbase-io/customer-service/domain"
)

// schemas makes the JSON Schemas of request and answer types with
// openapi3gen, and puts the structs they hold among the document's
// components. Struct tags complete what Go types cannot say: binding
// (required, as Gin reads it), doc (description), enum, and format.
type schemas struct {
	components        openapi3.Schemas
	requests, answers *openapi3gen.Generator
}

func newSchemas(components openapi3.Schemas) *schemas {
	named := openapi3gen.CreateTypeNameGenerator(componentName)
	export := openapi3gen.CreateComponentSchemas(openapi3gen.ExportComponentSchemasOptions{ExportComponentSchemas: true})
	return &schemas{
		components: components,
		requests:   openapi3gen.NewGenerator(named, export, openapi3gen.SchemaCustomizer(customizeRequest)),
		answers:    openapi3gen.NewGenerator(named, export, openapi3gen.SchemaCustomizer(customizeAnswer)),
	}
}

func (s *schemas) request(t reflect.Type) *openapi3.SchemaRef { return s.generate(s.requests, t) }
func (s *schemas) answer(t reflect.Type) *openapi3.SchemaRef  { return s.generate(s.answers, t) }

func (s *schemas) generate(g *openapi3gen.Generator, t reflect.Type) *openapi3.SchemaRef {
	ref, err := g.NewSchemaRefForValue(reflect.New(t).Elem().Interface(), s.components)
	if err != nil {
		panic("httpapi: no schema for " + t.String() + ": " + err.Error())
	}
	return ref
}

// componentName names a struct's schema: its Go name, capitalised. A
// struct without a name, and a time, have their schemas written where
// they are used.
func componentName(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[projectedCustomer]():
		return "ListedCustomer"
	case t.Name() == "", t == reflect.TypeFor[jsonview.Timestamp]():
		return ""
	}
	return strings.ToUpper(t.Name()[:1]) + t.Name()[1:]
}

// customizeRequest makes a request's fields optional unless tagged
// binding:"required". Unknown members are allowed: they are ignored.
func customizeRequest(_ string, t reflect.Type, tag reflect.StructTag, schema *openapi3.Schema) error {
	fromTags(tag, schema)
	if items := schema.Items; items != nil && items.Ref == "" && items.Value.Description == schema.Description {
		items.Value.Description = "" // openapi3gen hands an item its list's tags
	}
	switch {
	case t == reflect.TypeFor[filter](), t == reflect.TypeFor[fieldList]():
		*schema = openapi3.Schema{
			Description: schema.Description + " A list, or one comma-separated string (as MicroBase's documentation sends it).",
			AnyOf:       openapi3.SchemaRefs{openapi3.NewStringSchema().NewRef(), stringsSchema().NewRef()},
		}
	case t.Kind() == reflect.Struct:
		schema.Type = &openapi3.Types{openapi3.TypeObject}
		isAddress := t == reflect.TypeFor[addressInput]() || t == reflect.TypeFor[addressUpdate]()
		schema.Required = fieldNames(t, func(f reflect.StructField) bool {
			return required(f) || isAddress && slices.Contains(requiredAddressFields(), jsonName(f))
		})
	}
	return nil
}

// requiredAddressFields are the fields of an address the domain refuses
// when they are empty, as it names them.
var requiredAddressFields = sync.OnceValue(func() (names []string) {
	_, err := domain.NewAddress("", domain.AddressInput{}, "")
	for _, p := range err.(*domain.ValidationError).Problems {
		names = append(names, p.Field)
	}
	return names
})

// customizeAnswer makes an answer's fields required unless they may be
// left out (omitempty, omitzero), and allows no other member: an answer
// that gains a field the document does not describe fails the suites.
func customizeAnswer(name string, t reflect.Type, tag reflect.StructTag, schema *openapi3.Schema) error {
	fromTags(tag, schema)
	switch {
	case name == "ok":
		schema.Enum = []any{true}
	case t == reflect.TypeFor[jsonview.Timestamp]():
		*schema = *openapi3.NewDateTimeSchema()
	case t == reflect.TypeFor[projectedCustomer]():
		customer, err := openapi3gen.NewSchemaRefForValue(jsonview.Customer{}, nil, openapi3gen.SchemaCustomizer(customizeAnswer))
		if err != nil {
			return err
		}
		*schema = *customer.Value
		schema.Description = "A customer with the fields picked by `fields`; id always."
		schema.Required = []string{idField}
	case t.Kind() == reflect.Struct:
		schema.Required = fieldNames(t, func(f reflect.StructField) bool {
			_, options, _ := strings.Cut(f.Tag.Get("json"), ",")
			return !strings.Contains(options, "omitempty") && !strings.Contains(options, "omitzero")
		})
		schema.AdditionalProperties = openapi3.AdditionalProperties{Has: new(bool)}
	}
	return nil
}

func fromTags(tag reflect.StructTag, schema *openapi3.Schema) {
	schema.Nullable = false // a pointer is an optional argument, and none takes null
	if doc := tag.Get("doc"); doc != "" {
		schema.Description = doc
	}
	if enum := tag.Get("enum"); enum != "" {
		for v := range strings.SplitSeq(enum, ",") {
			schema.Enum = append(schema.Enum, v)
		}
	}
	if tag.Get("format") == "password" {
		schema.Format, schema.WriteOnly = "password", true
		if schema.Description == "" {
			schema.Description = "8 to 72 bytes; stored only as a bcrypt hash, never answered or logged."
		}
	}
}

// fieldNames lists the JSON names of t's fields, embedded ones included,
// that keep says to.
func fieldNames(t reflect.Type, keep func(reflect.StructField) bool) []string {
	var names []string
	for _, f := range reflect.VisibleFields(t) {
		if name := jsonName(f); name != "" && f.IsExported() && keep(f) {
			names = append(names, name)
		}
	}
	return names
}

func stringsSchema() *openapi3.Schema {
	return openapi3.NewArraySchema().WithItems(openapi3.NewStringSchema())
}

// formSchema is how an argument of type t is written in a query or form,
// given its schema in JSON: a list is repeated or comma-separated values,
// an object argument JSON text.
func formSchema(t reflect.Type, inJSON *openapi3.SchemaRef) *openapi3.SchemaRef {
	switch argumentKind(t) {
	case listArgument:
		list := stringsSchema()
		list.Description = "Repeated (tags=VIP&tags=GOLD) or comma-separated (tags=VIP,GOLD) values; one empty value (tags=) is the empty list."
		return list.NewRef()
	case objectArgument:
		text := openapi3.NewStringSchema()
		text.ContentMediaType = "application/json"
		text.Description = "JSON text, as in a JSON body."
		return text.NewRef()
	}
	return inJSON
}

type argumentKindOf int

const (
	scalarArgument argumentKindOf = iota
	listArgument
	objectArgument
)

func argumentKind(t reflect.Type) argumentKindOf {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[stringList](), t == reflect.TypeFor[filter](), t == reflect.TypeFor[fieldList]():
		return listArgument
	case t.Kind() == reflect.Struct, t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return objectArgument
	}
	return scalarArgument
}
