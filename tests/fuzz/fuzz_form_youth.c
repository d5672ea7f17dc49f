/* fuzz_form_youth.c — the youth form (sysselsattning): a request body
 * through parsing, validation, the page, the record and the receipt
 * (form_target.h). */
#include "form_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_form(&form_youth, data, size);
	return 0;
}
