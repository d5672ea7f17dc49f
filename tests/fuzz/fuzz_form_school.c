/* fuzz_form_school.c — the school form (skolanmalan): a request body
 * through parsing, validation, the page, the record and the receipt
 * (form_target.h). Its route field's choices are given at start-up, as
 * eservice.c gives a region's municipalities (form_spec_with_choices). */
#include "form_target.h"

static const struct form_choice towns[] = {
	{ .value = "exempelkommun", .label = "Exempelkommun", .extra = "08-123 45 67" },
	{ .value = "provstad", .label = "Provstad", .extra = "0123-456 78" },
	{ .value = "nordby", .label = "Nordby" },
};

static struct form_spec *school;

static void free_school(void)
{
	form_spec_free(school);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (school == NULL) {
		school = form_spec_with_choices(&form_school, form_school.route_field,
		    towns, sizeof(towns) / sizeof(towns[0]));
		FUZZ_CHECK(school != NULL, "form_spec_with_choices");
		atexit(free_school);
	}
	fuzz_form(school, data, size);
	return 0;
}
